"""What office roles may do with the events' later models (issue 7). The first
grants (events, bookings) sit at the bottom of members/roles.py; these are added
from EventsConfig.ready(), before the role groups are synced after migrate."""

from members.roles import Role, grant_to_roles

_ORGANISERS = (
    Role.CHAIR,
    Role.SECRETARY,
    Role.SOCIAL_SECRETARY,
    Role.POLITICAL_EDUCATION,
)


def register() -> None:
    # Every officer reads their CLP's invitations, feedback, programme,
    # consultations and academy records.
    grant_to_roles(
        Role.values,
        [
            "events.view_invitation",
            "events.view_feedback",
            "events.view_programmeslot",
            "events.view_consultation",
            "events.view_organisationinvite",
            "events.view_course",
            "events.view_seminar",
            "events.view_enrolment",
        ],
    )
    # Those who organise socials, meetings and training plan and record them.
    grant_to_roles(
        _ORGANISERS,
        [
            *(f"events.{v}_programmeslot" for v in ("add", "change", "delete")),
            *(f"events.{v}_consultation" for v in ("add", "change")),
            *(
                f"events.{v}_{m}"
                for v in ("add", "change", "delete")
                for m in ("course", "seminar", "enrolment")
            ),
        ],
    )
