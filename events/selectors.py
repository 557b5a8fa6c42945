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
