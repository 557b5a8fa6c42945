"""Reusable reads for the events' admin pages: the year's programme."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from events.models import Event, ProgrammeSlot

# Kinds that count as "something social" for spotting empty months.
SOCIAL_KINDS = (
    Event.Kind.SOCIAL,
    Event.Kind.CAMPAIGN_SOCIAL,
    Event.Kind.FUNDRAISER,
)


@dataclass
class ProgrammeMonth:
    month: int
    label: str
    slots: list[ProgrammeSlot] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    @property
    def has_social(self) -> bool:
        return any(s.kind in SOCIAL_KINDS for s in self.slots) or any(
            e.kind in SOCIAL_KINDS for e in self.events
        )

    @property
    def slots_without_event(self) -> list[ProgrammeSlot]:
        return [s for s in self.slots if s.event_id is None]


def programme_year(*, constituency: Any, year: int) -> list[ProgrammeMonth]:
    """Twelve months: the planned slots and the published events of each (two
    queries whatever the size), for spotting gaps."""
    months = [
        ProgrammeMonth(month=m, label=str(ProgrammeSlot.Month(m).label))
        for m in range(1, 13)
    ]
    slots = ProgrammeSlot.objects.filter(
        constituency=constituency, year=year
    ).select_related("owner", "event")
    for slot in slots:
        months[slot.month - 1].slots.append(slot)
    events = (
        Event.objects.published()
        .filter(constituencies=constituency, starts__year=year)
        .order_by("starts")
    )
    for event in events:
        months[timezone.localtime(event.starts).month - 1].events.append(event)
    return months


# --- how the party spends its time ------------------------------------------------


class Activity:
    CAMPAIGNING = "campaigning"
    MEETINGS = "meetings"
    SOCIAL = "social"
    POLICY = "policy"
    TRAINING = "training"


def activity_labels() -> dict[str, str]:
    from django.utils.translation import gettext as _

    return {
        Activity.CAMPAIGNING: _("Campaigning"),
        Activity.MEETINGS: _("Committee and members' meetings"),
        Activity.SOCIAL: _("Social"),
        Activity.POLICY: _("Policy discussion"),
        Activity.TRAINING: _("Training"),
    }


EVENT_ACTIVITY = {
    Event.Kind.SOCIAL: Activity.SOCIAL,
    Event.Kind.FUNDRAISER: Activity.SOCIAL,
    Event.Kind.CAMPAIGN_SOCIAL: Activity.SOCIAL,
    Event.Kind.ALL_MEMBER_MEETING: Activity.MEETINGS,
    Event.Kind.BRANCH_MEETING: Activity.MEETINGS,
    Event.Kind.MEET_REPRESENTATIVE: Activity.POLICY,
    Event.Kind.POLICY_FORUM: Activity.POLICY,
    Event.Kind.BIG_CONVERSATION: Activity.POLICY,
    Event.Kind.TRAINING: Activity.TRAINING,
}


@dataclass
class ActivityHours:
    key: str
    label: str
    hours: float = 0.0
    occasions: int = 0


def _duration_hours(starts, ends) -> float:
    return max(0.0, (ends - starts).total_seconds() / 3600)


def hours_by_activity(
    *, constituency_ids: frozenset[int] | None, starts: Any, ends: Any
) -> list[ActivityHours]:
    """Person-hours by kind of activity between two moments: each published event's
    length × the people who came (checked in; else booked yes, guests included),
    and each campaign session's length × those who came (marked; else signed up).
    Two queries, whatever the period."""
    from django.db.models import Count, F, Q, Sum
    from django.db.models.functions import Coalesce

    from campaigns.models import Session

    totals = {
        key: ActivityHours(key, label) for key, label in activity_labels().items()
    }
    events = (
        Event.objects.for_constituency_ids(constituency_ids)
        .filter(status=Event.Status.PUBLISHED, starts__gte=starts, starts__lt=ends)
        .annotate(
            _came=Count("bookings", filter=Q(bookings__attended_at__isnull=False)),
            _booked=Coalesce(
                Sum(F("bookings__guests") + 1, filter=Q(bookings__status="yes")), 0
            ),
        )
        .values_list("kind", "starts", "ends", "_came", "_booked")
    )
    for kind, event_starts, event_ends, came, booked in events:
        row = totals[EVENT_ACTIVITY.get(kind, Activity.SOCIAL)]
        row.hours += _duration_hours(event_starts, event_ends) * (came or booked)
        row.occasions += 1
    sessions = (
        Session.objects.for_constituency_ids(constituency_ids)
        .exclude(status=Session.Status.CANCELLED)
        .filter(starts__gte=starts, starts__lt=ends)
        .annotate(
            _came=Count("signups", filter=Q(signups__attended=True)),
            _marked=Count("signups", filter=Q(signups__attended__isnull=False)),
            _signed=Count("signups"),
        )
        .values_list("starts", "ends", "_came", "_marked", "_signed")
    )
    row = totals[Activity.CAMPAIGNING]
    for session_starts, session_ends, came, marked, signed in sessions:
        row.hours += _duration_hours(session_starts, session_ends) * (
            came if marked else signed
        )
        row.occasions += 1
    return list(totals.values())
