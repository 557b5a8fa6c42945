"""Reminder kinds that apps declare, and scheduling them.

An app says once, from its AppConfig.ready(), how to word a kind of reminder
("event tomorrow", "your mentee has not heard from anyone"); then it schedules
"send kind K to person P about object O at time X" with `reminder_schedule`. The
beat tick turns due reminders into deliveries and sends them exactly once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import models

from partyhub.comms.models import Reminder, Topic


@dataclass(frozen=True)
class ReminderKind:
    kind: str
    subject: Callable[[Reminder], str]
    body: Callable[[Reminder], str]  # Markdown
    reason: Callable[[Reminder], str]
    topic: str = Topic.GENERAL
    # Service messages about something the person asked for (a booking, an
    # office they hold) are not marketing; everything else needs email consent.
    requires_consent: bool = True
    # Files to attach, (filename, content, mimetype): a booking's calendar entry.
    attachments: Callable[[Reminder], list[tuple[str, bytes, str]]] | None = None


_KINDS: dict[str, ReminderKind] = {}


def register(kind: ReminderKind) -> None:
    _KINDS[kind.kind] = kind


def get(kind: str) -> ReminderKind:
    return _KINDS[kind]


def reminder_schedule(
    *,
    kind: str,
    person: Any,
    due_at: datetime,
    about: models.Model | None = None,
    key: str | None = None,
) -> Reminder:
    """Schedule a reminder; asking twice for the same one gives the same row."""
    if kind not in _KINDS:
        raise KeyError(f"Unknown reminder kind {kind!r}")
    content_type = (
        ContentType.objects.get_for_model(about) if about is not None else None
    )
    object_id = str(about.pk) if about is not None else ""
    key = (
        key
        or f"{kind}:{content_type.pk if content_type else '-'}:{object_id}:{person.pk}:{due_at.isoformat()}"
    )
    reminder, _created = Reminder.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "person": person,
            "content_type": content_type,
            "object_id": object_id,
            "due_at": due_at,
        },
    )
    return reminder


def reminder_cancel(
    *, about: models.Model, kind: str | None = None, person: Any = None
) -> int:
    """Cancel pending reminders about an object (e.g. a cancelled booking)."""
    reminders = Reminder.objects.filter(
        content_type=ContentType.objects.get_for_model(about),
        object_id=str(about.pk),
        status=Reminder.Status.PENDING,
    )
    if kind:
        reminders = reminders.filter(kind=kind)
    if person is not None:
        reminders = reminders.filter(person=person)
    return reminders.update(status=Reminder.Status.CANCELLED)


def reminder_preview(
    *, kind: str, person: Any, about: models.Model | None = None
) -> EmailMultiAlternatives:
    """The email a reminder of `kind` would be for `person` about `about`, written
    but neither saved nor sent: an officer sees what people will get before
    triggering it (issue 16 item 11). `about` need not be saved; its links are
    then examples that lead nowhere."""
    from partyhub.comms.rendering import render

    reminder_kind = get(kind)
    reminder = Reminder(kind=kind, person=person)
    if about is not None:
        reminder.about = about
    rendered = render(
        subject=reminder_kind.subject(reminder),
        body_markdown=reminder_kind.body(reminder),
        constituency=getattr(person, "constituency", None),
        topic=reminder_kind.topic,
        reason=reminder_kind.reason(reminder),
    )
    return rendered.for_person(
        person_id=person.pk or 0,
        to=getattr(person, "email", "") or "preview@example.org",
        message_id="<preview@partyhub>",
    )
