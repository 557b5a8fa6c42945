"""What office roles may do with governance: every officer reads it; the chair
and the secretary run meetings, motions, minutes and elections."""

from members.roles import Role, grant_to_roles

_MODELS = (
    "rules",
    "affiliate",
    "body",
    "delegation",
    "meeting",
    "agendaitem",
    "paper",
    "motion",
    "attendance",
    "actionpoint",
    "minutes",
    "election",
    "nomination",
)
SECRETARIES = (Role.CHAIR, Role.SECRETARY)


def register() -> None:
    grant_to_roles(Role.values, [f"governance.view_{m}" for m in _MODELS])
    grant_to_roles(
        SECRETARIES,
        [f"governance.{v}_{m}" for v in ("add", "change") for m in _MODELS],
    )
