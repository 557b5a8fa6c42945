"""Creating an event from another app's service (a governance meeting calls one):
the fields are built into an Event and saved through the canonical
`events.services.booking.event_create`, so the same rules and the same audit
entry (AuditAction.EVENT_CREATED) hold as in the admin."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from events.models import Event
from events.services.booking import event_create


@transaction.atomic
def event_create_from_fields(
    *,
    kind: str,
    title: str,
    starts: datetime.datetime,
    ends: datetime.datetime,
    constituencies: Iterable[Any],
    actor: Any,
    venue: str = "",
    address: str = "",
    description: str = "",
    audience: str = Event.Audience.MEMBERS,
    publish: bool = True,
) -> Event:
    """Build an Event from its fields, create it through `event_create` and set
    its constituencies."""
    event = event_create(
        instance=Event(
            kind=kind,
            title=title,
            starts=starts,
            ends=ends,
            venue=venue,
            address=address,
            description=description,
            audience=audience,
            status=Event.Status.PUBLISHED if publish else Event.Status.DRAFT,
        ),
        actor=actor,
    )
    event.constituencies.set(list(constituencies))
    return event
