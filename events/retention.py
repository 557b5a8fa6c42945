"""Events' part in the retention schedule: what shows a person still takes part."""

from django.utils.translation import gettext_lazy as _

from partyhub.dataprotection.notice import register_purpose
from partyhub.dataprotection.retention import register_activity

register_activity("events.Booking", date_field="created")
register_activity("events.Booking", date_field="attended_at")
register_activity("events.Feedback", date_field="created")
register_activity("events.Enrolment", date_field="created")


register_purpose(
    "events",
    title=_("Events"),
    why=_(
        "Bookings and waiting lists, reminders, check-in at the door, feedback and "
        "the political education course."
    ),
    data=_("Name, contact details, bookings, attendance, feedback, course progress"),
    people=_("Members, supporters and the public who book"),
    basis=_("Legitimate interests in running the party's events (art. 6(1)(f))"),
    special=_(
        "Political opinions shown by attending: art. 9(2)(d) for members, and art. "
        "9(2)(g) with the Data Protection Act 2018, schedule 1 paragraph 22"
    ),
    models=("events.Booking", "events.Feedback", "events.Enrolment"),
    kept=_("As the schedule says for the person's other records"),
    order=40,
)
