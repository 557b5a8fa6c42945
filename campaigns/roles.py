"""What office roles may do with campaigns (issue 8): every officer follows the
campaigns, teams, petitions, phone banks, street watch, surveys and case studies
of their CLP; those who organise campaigning and volunteers run them."""

from __future__ import annotations

_MODELS = (
    "campaign",
    "target",
    "team",
    "teammembership",
    "teamlead",
    "session",
    "sessionsignup",
    "sessionoutput",
    "petition",
    "calllist",
    "calllistentry",
    "streetreport",
    "survey",
    "question",
    "response",
    "answer",
    "casestudy",
)


def register() -> None:
    from members.roles import Role, grant_to_roles

    grant_to_roles(Role.values, [f"campaigns.view_{model}" for model in _MODELS])
    grant_to_roles(
        (
            Role.CHAIR,
            Role.SECRETARY,
            Role.CAMPAIGN_COORDINATOR,
            Role.VOLUNTEER_MANAGER,
        ),
        [
            f"campaigns.{verb}_{model}"
            for verb in ("add", "change", "delete")
            for model in _MODELS
        ],
    )
