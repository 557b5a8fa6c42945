"""What office roles may do with events (issue 7), granted from
EventsConfig.ready(), before the role groups are synced after migrate."""

from members.roles import Role, grant_to_roles

_ORGANISERS = (
    Role.CHAIR,
    Role.SECRETARY,
    Role.SOCIAL_SECRETARY,
    Role.POLITICAL_EDUCATION,
)


def register() -> None:
    # Every officer sees their CLP's events and their own people's bookings;
    # those who organise socials, meetings and training run them.
    grant_to_roles(Role.values, ["events.view_event", "events.view_booking"])
    grant_to_roles(
        _ORGANISERS,
        [
            "events.add_event",
            "events.change_event",
            "events.delete_event",
            "events.change_booking",
        ],
    )
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
