"""What events hold about a person (partyhub.personal_data)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partyhub.personal_data import DELETE, KEEP, STAYS, Anonymise, Repoint, register
from partyhub.personal_data.timeline import (
    NO_TIMELINE,
    gettext,
    label_of,
    m2m_ids,
    timeline_of,
)


def _booking_moments(b: Any):
    title = b.event.title
    yield (
        b.created,
        gettext("Booked on “%(event)s”: %(status)s")
        % {
            "event": title,
            "status": label_of(b, "status"),
        },
    )
    if b.attended_at:
        host = gettext(" (hosted by %s)") % b.host if b.host_id else ""
        yield b.attended_at, gettext("Came to “%s”") % title + host, "", "attended"
    elif b.status == "yes" and b.event.starts < timezone.now():
        yield b.event.starts, gettext("Did not come to “%s”") % title


def register_all() -> None:
    register(
        "events.Booking",
        person_fields=("person", "host"),
        export=[
            ("event", "event.title"),
            ("event_starts", "event.starts"),
            "status", "guests", "source", "created", "attended_at",
        ],
        section="event_bookings",
        select_related=("event",),
        # The event still had its attendees: the booking stays, on a record that
        # no longer names anybody.
        erase=KEEP(_("Attendance counts; the person record is anonymised")),
        repoint=Repoint(prefer=("earliest", "created")),
        retention_category="events",
        describe=_("Bookings on events"),
        timeline=timeline_of(
            "events.Booking",
            kind="events",
            moments=_booking_moments,
            constituencies=m2m_ids("event.constituencies"),
            select_related=("event", "host"),
            prefetch=("event__constituencies",),
            only=("created", "status", "attended_at", "event__title", "event__starts", "host__first_name", "host__last_name"),
        ),
    )  # fmt: skip
    register(
        "events.Invitation",
        person_field="person",
        user_fields=("sent_by",),
        export=[("event", "event.title"), "created"],
        section="event_invitations",
        select_related=("event",),
        erase=DELETE,
        repoint=Repoint(prefer=("earliest", "created")),
        retention_category="events",
        describe=_("Invitations to events"),
        timeline=timeline_of(
            "events.Invitation",
            kind="events",
            moments=lambda i: [(i.created, gettext("Invited to “%s”") % i.event.title)],
            constituencies=m2m_ids("event.constituencies"),
            select_related=("event",),
            prefetch=("event__constituencies",),
        ),
    )
    register(
        "events.Feedback",
        person_field="person",
        export=[("event", "event.title"), "rating", "comment", "created"],
        section="event_feedback",
        select_related=("event",),
        # The rating counts towards the event's score; the words were theirs.
        erase=Anonymise({"comment": ""}),
        repoint=Repoint(prefer=("latest", "created")),
        retention_category="events",
        describe=_("Feedback on events"),
        timeline=timeline_of(
            "events.Feedback",
            kind="events",
            moments=lambda f: [
                (f.created, gettext("Gave feedback on “%s”") % f.event.title)
            ],
            constituencies=m2m_ids("event.constituencies"),
            select_related=("event",),
            prefetch=("event__constituencies",),
        ),
    )
    register(
        "events.FeedKey",
        person_field="person",
        erase=DELETE,
        repoint=STAYS,  # a secret calendar address: the survivor keeps their own
        retention_category="events",
        describe=_("The private calendar feed's key"),
        timeline=NO_TIMELINE(_("A secret calendar address: nothing done together")),
    )
    register(
        "events.Enrolment",
        person_field="person",
        user_fields=("completed_by",),
        export=[
            ("course", "course.title"),
            "portfolio_complete",
            "graduated_on",
            "created",
        ],
        section="academy_enrolments",
        select_related=("course",),
        erase=DELETE,
        repoint=Repoint(prefer=("earliest", "created")),
        retention_category="events",
        describe=_("Academy course enrolments"),
        timeline=timeline_of(
            "events.Enrolment",
            kind="academy",
            moments=lambda e: [
                (e.created, gettext("Enrolled on “%s”") % e.course.title),
                (e.graduated_on, gettext("Graduated from “%s”") % e.course.title),
            ],
            constituencies="course.constituency_id",
            select_related=("course",),
        ),
    )
    register(
        "events.Event",
        person_field="organiser",
        export=["title", "starts"],
        section="events_organised",
        erase=Anonymise({"organiser": None}),
        retention_category="events",
        describe=_("Events the person organised"),
        timeline=timeline_of(
            "events.Event",
            kind="events",
            moments=lambda e: [(e.starts, gettext("Organised “%s”") % e.title)],
            constituencies=m2m_ids("constituencies"),
            prefetch=("constituencies",),
        ),
    )
    register(
        "events.Course",
        person_field="officer",
        export=["title"],
        section="courses_run",
        erase=Anonymise({"officer": None}),
        retention_category="events",
        describe=_("Academy courses the person ran"),
        timeline=timeline_of(
            "events.Course",
            kind="academy",
            moments=lambda c: [(c.starts, gettext("Ran the course “%s”") % c.title)],
            constituencies="constituency_id",
        ),
    )
    register(
        "events.ProgrammeSlot",
        person_field="owner",
        export=["title", "kind"],
        section="programme_slots",
        erase=Anonymise({"owner": None}),
        retention_category="events",
        describe=_("Programme slots the person looks after"),
        timeline=NO_TIMELINE(_("A month of the programme, not a dated activity")),
    )
