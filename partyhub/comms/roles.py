"""What office roles may do with communications."""

from __future__ import annotations


def register() -> None:
    from members.roles import EDIT_PEOPLE_ROLES, Role, grant_to_roles

    # Every officer can read what the CLP sends and to whom, and who has said yes
    # or no (an officer taking a call must be able to check).
    grant_to_roles(
        Role.values,
        [
            "comms.view_message",
            "comms.view_segment",
            "comms.view_consentevent",
            "comms.view_consentstate",
            "comms.view_delivery",
            "comms.view_reminder",
        ],
    )
    # Composing and sending mail in the CLP's name is for the officers whose job
    # is to talk to members and supporters. The treasurer and the liaison and
    # equalities officers ask one of these to send for them, so fewer logins can
    # mail everybody.
    grant_to_roles(
        (
            Role.CHAIR,
            Role.SECRETARY,
            Role.MEMBERSHIP_SECRETARY,
            Role.CAMPAIGN_COORDINATOR,
            Role.VOLUNTEER_MANAGER,
            Role.SOCIAL_SECRETARY,
        ),
        [
            "comms.add_message",
            "comms.change_message",
            "comms.add_segment",
            "comms.change_segment",
        ],
    )
    # Recording a consent taken on the phone edits what we hold about a person:
    # whoever may edit people may record their consent.
    grant_to_roles(EDIT_PEOPLE_ROLES, ["comms.add_consentevent"])
