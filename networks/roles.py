"""What office roles may do with networks (issue 9).

Every officer can see the networks their CLP takes part in, the directory of
community organisations and everything hanging off them; the officers who talk
to members and the community (the network editors) keep them up to date and
moderate.
"""

from __future__ import annotations


def _crud(*models: str) -> list[str]:
    return [
        f"networks.{verb}_{model}"
        for verb in ("add", "change", "delete")
        for model in models
    ]


def register() -> None:
    from members.roles import Role, grant_to_roles

    editors = (
        Role.CHAIR,
        Role.SECRETARY,
        Role.CAMPAIGN_COORDINATOR,
        Role.TRADE_UNION_LIAISON,
        Role.POLITICAL_EDUCATION,
    )
    grant_to_roles(
        Role.values,
        [
            f"networks.view_{model}"
            for model in (
                "network",
                "networkmembership",
                "networkcoordinator",
                "thread",
                "post",
                "consultation",
                "section",
                "comment",
                "communityorganisation",
                # Invitations from the register of interests, drafted submissions.
                "networkinvitation",
                "submission",
                "submissionsection",
                # Study groups' reading lists and meetings.
                "readingitem",
                "studymeeting",
                # Trade union links.
                "unionbranchofficer",
                "unionactivist",
                "uniondelegate",
                # Mailings to community organisations.
                "organisationmailing",
                "organisationmailingrecipient",
            )
        ],
    )
    grant_to_roles(
        editors,
        [
            "networks.add_network",
            "networks.change_network",
            "networks.change_networkmembership",
            "networks.add_networkcoordinator",
            "networks.change_networkcoordinator",
            "networks.delete_networkcoordinator",
            "networks.change_thread",
            "networks.change_post",
            "networks.add_consultation",
            "networks.change_consultation",
            "networks.add_section",
            "networks.change_section",
            "networks.add_communityorganisation",
            "networks.change_communityorganisation",
            "networks.change_submission",
            "networks.change_submissionsection",
            *_crud("readingitem", "studymeeting"),
            *_crud("unionbranchofficer", "unionactivist", "uniondelegate"),
        ],
    )
    # Mailings to community organisations: the chair, secretary, campaign
    # co-ordinator and union liaison officer write and send.
    grant_to_roles(
        (
            Role.CHAIR,
            Role.SECRETARY,
            Role.CAMPAIGN_COORDINATOR,
            Role.TRADE_UNION_LIAISON,
        ),
        ["networks.add_organisationmailing", "networks.change_organisationmailing"],
    )
