"""What office roles may do with the retention schedule, the TPS list and the
policy documents."""

from __future__ import annotations


def register() -> None:
    # Called from ready(): members' roles are app code, imported when apps are
    # loaded, never at this module's import.
    from members.roles import Role, grant_to_roles

    # Every officer can read the schedule, the runs' reports, the TPS uploads and
    # the policy documents (each of their own CLP only).
    grant_to_roles(
        Role.values,
        [
            "dataprotection.view_retentionperiod",
            "dataprotection.view_retentionrun",
            "dataprotection.view_retentionitem",
            "dataprotection.view_tpsupload",
            "dataprotection.view_keepasformermember",
        ],
    )
    # The chair, secretary and membership secretary answer for the CLP's data:
    # they set the schedule and record who agreed to be kept as a former member.
    grant_to_roles(
        (Role.CHAIR, Role.SECRETARY, Role.MEMBERSHIP_SECRETARY),
        [
            "dataprotection.add_retentionperiod",
            "dataprotection.change_retentionperiod",
            "dataprotection.add_keepasformermember",
            "dataprotection.change_keepasformermember",
            "dataprotection.delete_keepasformermember",
            "dataprotection.add_tpsupload",
        ],
    )
    # Whoever organises phoning keeps the TPS list up to date.
    grant_to_roles(
        (Role.CAMPAIGN_COORDINATOR, Role.VOLUNTEER_MANAGER),
        ["dataprotection.add_tpsupload"],
    )
