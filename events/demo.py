"""The events in the demo: past and coming events with bookings, a waiting list
and check-ins, the academy part-way through its year, and the year's programme
with its gaps. Called by `manage.py seed_demo`; idempotent (events are found by
title and constituency and put back to dates relative to today)."""

from __future__ import annotations

import datetime

from events.models import (
    Booking,
    Consultation,
    Course,
    Enrolment,
    Event,
    Feedback,
    Invitation,
    ProgrammeSlot,
    Seminar,
)
from members.demo.helpers import at, members_of

Kind = Event.Kind

# (title, kind, days from today, hour, capacity, booked, came, waiting)
EVENTS = (
    ("Policy forum: our local NHS", Kind.POLICY_FORUM, -95, 19, None, 18, 14, 0),
    ("Summer barbecue", Kind.SOCIAL, -60, 13, 60, 30, 26, 0),
    ("All-member meeting", Kind.ALL_MEMBER_MEETING, -30, 19, None, 22, 17, 0),
    ("Fundraising curry night", Kind.FUNDRAISER, -12, 19, 40, 25, 21, 0),
    ("Branch meeting", Kind.BRANCH_MEETING, 0, 21, None, 9, 0, 0),
    ("Quiz night", Kind.SOCIAL, 10, 19, 20, 20, 0, 3),
    ("Meet your MP", Kind.MEET_REPRESENTATIVE, 24, 18, 50, 12, 0, 0),
    ("Big Conversation: safer streets", Kind.BIG_CONVERSATION, 40, 18, None, 8, 0, 0),
)
AUDIENCE = {
    Kind.SOCIAL: Event.Audience.MEMBERS_AND_SUPPORTERS,
    Kind.BIG_CONVERSATION: Event.Audience.PUBLIC,
}


def _event(constituency, title, kind, starts, capacity, hours=2) -> Event:
    event = (
        Event.objects.filter(title=title, constituencies=constituency)
        .order_by("pk")
        .first()
    )
    values = {
        "kind": kind,
        "starts": starts,
        "ends": starts + datetime.timedelta(hours=hours),
        "capacity": capacity,
        "status": Event.Status.PUBLISHED,
        "audience": AUDIENCE.get(kind, Event.Audience.MEMBERS),
        "venue": f"{constituency.name} Labour Club",
    }
    if event is None:
        event = Event.objects.create(title=title, **values)
        event.constituencies.add(constituency)
    else:
        for key, value in values.items():
            setattr(event, key, value)
        event.save()
    return event


def _bookings(event, people, *, booked, came, waiting) -> None:
    for n, person in enumerate(people[: booked + waiting]):
        on_list = n >= booked
        Booking.objects.update_or_create(
            event=event,
            person=person,
            defaults={
                "status": Booking.Status.WAITING if on_list else Booking.Status.YES,
                "source": Booking.Source.PORTAL,
                "guests": 0,
                "waiting_since": event.starts - datetime.timedelta(days=5 - n % 3)
                if on_list
                else None,
                "attended_at": event.starts + datetime.timedelta(minutes=5)
                if n < came
                else None,
            },
        )


def seed_demo_app(*, constituencies: list, today: datetime.date) -> None:
    for index, constituency in enumerate(constituencies):
        people = members_of(constituency)
        if len(people) < 40:
            continue
        for n, (title, kind, days, hour, capacity, booked, came, waiting) in enumerate(
            EVENTS
        ):
            event = _event(constituency, title, kind, at(today, days, hour), capacity)
            # Different people at different things, a core who come to most.
            crowd = people[:8] + people[8 + n * 3 :] + people[8 : 8 + n * 3]
            _bookings(event, crowd, booked=booked, came=came, waiting=waiting)
            _follow_up(
                event, crowd[:came], crowd[booked + waiting : booked + waiting + 5]
            )
        _academy(constituency, people, today)
        _programme(constituency, today, index)


def _follow_up(event, came, invited) -> None:
    """Feedback from those who came; invitations sent to some who have not booked;
    notes from a Big Conversation."""
    for n, person in enumerate(came[:4]):
        Feedback.objects.get_or_create(
            event=event,
            person=person,
            defaults={
                "rating": 5 - n % 2,
                "comment": "A great evening, thank you." if n % 2 == 0 else "",
            },
        )
    if event.kind in (Kind.MEET_REPRESENTATIVE, Kind.BIG_CONVERSATION):
        for person in invited:
            Invitation.objects.get_or_create(event=event, person=person)
    if event.kind == Kind.BIG_CONVERSATION:
        Consultation.objects.get_or_create(
            event=event,
            defaults={"themes": "Street lighting\nSpeeding traffic\nYouth provision"},
        )


def _academy(constituency, people, today) -> None:
    """September to June, monthly: the seminars so far attended, the rest to come."""
    year = today.year if today.month >= 9 else today.year - 1
    course, _ = Course.objects.get_or_create(
        constituency=constituency,
        title="Labour academy",
        defaults={
            "starts": datetime.date(year, 9, 1),
            "ends": datetime.date(year + 1, 6, 30),
        },
    )
    Course.objects.filter(pk=course.pk).update(
        starts=datetime.date(year, 9, 1), ends=datetime.date(year + 1, 6, 30)
    )
    students = people[-6:]
    for person in students:
        Enrolment.objects.get_or_create(course=course, person=person)
    for month in range(10):
        first = datetime.date(year + (month + 9 > 12), (month + 8) % 12 + 1, 1)
        day = first + datetime.timedelta(days=(1 - first.weekday()) % 7 + 7)
        starts = at(day, 0, 19)
        event = _event(
            constituency, f"Academy seminar {month + 1}", Kind.TRAINING, starts, 20
        )
        Seminar.objects.get_or_create(course=course, event=event)
        past = day < today
        _bookings(
            event, students, booked=len(students), came=5 if past else 0, waiting=0
        )


def _programme(constituency, today, index) -> None:
    """The year's social programme, planned in January, with months left empty."""
    plan = {
        1: (Kind.SOCIAL, "New year social"),
        3: (Kind.FUNDRAISER, "Spring raffle"),
        5: (Kind.SOCIAL, "Election-night party"),
        7: (Kind.SOCIAL, "Summer barbecue"),
        9: (Kind.CAMPAIGN_SOCIAL, "Campaign brunch"),
        11: (Kind.FUNDRAISER, "Fundraising curry night"),
        12: (Kind.SOCIAL, "Christmas party"),
    }
    for month, (kind, title) in plan.items():
        ProgrammeSlot.objects.get_or_create(
            constituency=constituency,
            year=today.year,
            month=month,
            title=title,
            defaults={"kind": kind, "notes": "Planned at the January meeting."},
        )
