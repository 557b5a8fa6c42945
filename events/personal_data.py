"""What events hold about a person (partyhub.personal_data)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from partyhub.personal_data import DELETE, KEEP, STAYS, Anonymise, Repoint, register


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
    )
    register(
        "events.FeedKey",
        person_field="person",
        erase=DELETE,
        repoint=STAYS,  # a secret calendar address: the survivor keeps their own
        retention_category="events",
        describe=_("The private calendar feed's key"),
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
    )
    register(
        "events.Event",
        person_field="organiser",
        export=["title", "starts"],
        section="events_organised",
        erase=Anonymise({"organiser": None}),
        retention_category="events",
        describe=_("Events the person organised"),
    )
    register(
        "events.Course",
        person_field="officer",
        export=["title"],
        section="courses_run",
        erase=Anonymise({"officer": None}),
        retention_category="events",
        describe=_("Academy courses the person ran"),
    )
    register(
        "events.ProgrammeSlot",
        person_field="owner",
        export=["title", "kind"],
        section="programme_slots",
        erase=Anonymise({"owner": None}),
        retention_category="events",
        describe=_("Programme slots the person looks after"),
    )
