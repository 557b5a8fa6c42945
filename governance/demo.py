"""Governance in the demo: each CLP's rules, its all-member GC, Executive and AGM;
a GC held a month ago (attendance, a motion carried, draft minutes circulated)
and the next one in three weeks (a motion submitted, its minutes to approve);
and an AGM election for chair with nominations open. Idempotent: records are
found by title and put back to dates relative to today."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from events.models import Event
from governance import services
from governance.models import (
    Affiliate,
    AgendaItem,
    Attendance,
    Body,
    Election,
    Meeting,
    Minutes,
    Motion,
    Rules,
)
from members.demo.helpers import at, members_of


def _body(constituency: Any, kind: str, name: str, **kw: Any) -> Body:
    body, _c = Body.objects.update_or_create(
        constituency=constituency, kind=kind, name=name, defaults=kw
    )
    return body


def _meeting(body: Body, title: str, starts: datetime.datetime) -> Meeting:
    meeting = Meeting.objects.filter(body=body, event__title=title).first()
    if meeting is None:
        event = Event.objects.create(
            kind=Event.Kind.ALL_MEMBER_MEETING,
            title=title,
            starts=starts,
            ends=starts + datetime.timedelta(hours=2),
            venue=f"{body.constituency.name} Labour Club",
            status=Event.Status.PUBLISHED,
        )
        event.constituencies.add(body.constituency)
        meeting = Meeting.objects.create(body=body, event=event)
        for position, item in (
            (10, "Apologies for absence"),
            (30, "Matters arising"),
            (900, "Any other business"),
        ):
            AgendaItem.objects.create(
                meeting=meeting, position=position, kind="standing", title=item
            )
    else:
        Event.objects.filter(pk=meeting.event_id).update(
            starts=starts, ends=starts + datetime.timedelta(hours=2)
        )
        meeting.refresh_from_db()
    return meeting


def seed_demo_app(*, constituencies: list[Any], today: datetime.date) -> None:
    for constituency in constituencies:
        people = members_of(constituency)
        if len(people) < 8:
            continue
        Rules.objects.get_or_create(constituency=constituency)
        # Affiliated organisations still send delegates to conference and vote
        # at selections, whatever the GC's form.
        Affiliate.objects.get_or_create(
            constituency=constituency,
            name=f"Unison {constituency.name} branch",
            defaults={
                "kind": Affiliate.Kind.UNION_BRANCH,
                "affiliated_members": 120,
            },
        )
        gc = _body(
            constituency,
            Body.Kind.GC_ALL_MEMBER,
            "General Committee",
            quorum_number=5,
        )
        _body(constituency, Body.Kind.EXECUTIVE, "Executive Committee", quorum_number=3)
        agm = _body(
            constituency, Body.Kind.AGM, "Annual general meeting", quorum_number=10
        )

        held = _meeting(gc, "General Committee (last month)", at(today, -30, 19))
        for person in people[:8]:
            Attendance.objects.get_or_create(
                meeting=held, person=person, defaults={"how": "ticked"}
            )
        motion, created = Motion.objects.get_or_create(
            meeting=held,
            title="Keep the library open",
            defaults={
                "text": "This GC resolves to campaign with residents to keep the central library open.",
                "mover": people[0],
                "seconder": people[1],
                "status": Motion.Status.CARRIED,
            },
        )
        AgendaItem.objects.get_or_create(
            meeting=held,
            motion=motion,
            defaults={
                "position": 200,
                "kind": "motion",
                "title": "Motion: Keep the library open",
                "votes_for": 7,
                "votes_against": 0,
                "abstentions": 1,
                "outcome": "carried",
            },
        )
        Meeting.objects.filter(pk=held.pk).update(status=Meeting.Status.HELD)
        if not Minutes.objects.filter(meeting=held).exists():
            Minutes.objects.create(
                meeting=held,
                text=services.minutes_text(held),
                status=Minutes.Status.CIRCULATED,
                circulated_at=timezone.now(),
            )

        coming = _meeting(gc, "General Committee (next)", at(today, 21, 19))
        services._add_minutes_item(coming, held)
        Motion.objects.get_or_create(
            meeting=coming,
            title="Warm spaces this winter",
            defaults={
                "text": "This GC asks the council group to open warm spaces in every ward.",
                "mover": people[2],
                "seconder": people[3],
            },
        )
        Election.objects.update_or_create(
            body=agm,
            role="chair",
            term_starts=datetime.date(today.year + 1, 1, 1),
            defaults={
                "nominations_close": at(today, 14, 23, 59),
                "method": Election.Method.ONLINE,
                "status": Election.Status.NOMINATIONS,
            },
        )
