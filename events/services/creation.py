"""Creating and moving an event from another app's service (a governance meeting
calls one): the same rules as the admin, audited."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from events.models import Event
from partyhub.audit.services import audit_log


@transaction.atomic
def event_create(
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
    event = Event(
        kind=kind,
        title=title,
        starts=starts,
        ends=ends,
        venue=venue,
        address=address,
        description=description,
        audience=audience,
        status=Event.Status.PUBLISHED if publish else Event.Status.DRAFT,
    )
    event.full_clean(exclude=["constituencies"])
    event.save()
    event.constituencies.set(list(constituencies))
    audit_log(actor=actor, action="event.created", obj=event)
    return event
