"""What events hold about a person (partyhub.personal_data)."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partyhub.personal_data import DELETE, KEEP, STAYS, Anonymise, Repoint, register
from partyhub.personal_data.timeline import (
    NO_TIMELINE,
    gettext,
    label_of,
    m2m_ids,
    m2m_scope,
    timeline_of,
    timelines,
)


def _booked(b: Any):
    yield (
        b.created,
        gettext("Booked on “%(event)s”: %(status)s")
        % {"event": b.event.title, "status": label_of(b, "status")},
    )


def _came(b: Any):
    host = gettext(" (hosted by %s)") % b.host if b.host_id else ""
    yield b.attended_at, gettext("Came to “%s”") % b.event.title + host


def _did_not_come(b: Any):
    yield b.event.starts, gettext("Did not come to “%s”") % b.event.title


def _not_attended() -> Q:
    return Q(attended_at__isnull=True, status="yes", event__starts__lt=timezone.now())


def _event_hosts() -> tuple[Any, str]:
    from events.models import Event

    return Event.constituencies.through, "event_id"


def _bookings(
    moments: Any, newest: Any, *, select_related: tuple = (), **kwargs: Any
) -> Any:
    """One part of a booking's timeline: each part is one entry a booking, so
    the page counts them in the database and reads only its newest rows."""
    return timeline_of(
        "events.Booking",
        kind="events",
        moments=moments,
        newest=newest,
        constituencies=m2m_ids("event.constituencies"),
        scope=m2m_scope("event_id", _event_hosts),
        select_related=("event", *select_related),
        prefetch=("event__constituencies",),
        **kwargs,
    )


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
        timeline=timelines(
            _bookings(
                _booked, "created",
                only=("created", "status", "event__title"),
            ),
            _bookings(
                _came, "attended_at", tag="attended",
                select_related=("host",),
                only=("attended_at", "event__title", "host__first_name",
                      "host__last_name"),
            ),
            _bookings(
                _did_not_come, F("event__starts"), where=_not_attended,
                only=("event__title", "event__starts"),
            ),
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
            scope=m2m_scope("event_id", _event_hosts),
            newest="created",
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
            scope=m2m_scope("event_id", _event_hosts),
            newest="created",
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
