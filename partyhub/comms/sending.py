"""Sending, exactly once.

The database is the source of truth, not the broker:
- dispatching a message writes one Delivery per (message, person) in one
  transaction, under a unique constraint;
- a worker claims a batch of queued deliveries (SELECT … FOR UPDATE SKIP LOCKED)
  and marks each one `sending` with a compare-and-set just before handing it to
  SMTP, then `sent`; consent is checked again for every batch;
- the beat tick frees claims whose worker died (the rows were never attempted) and
  resumes work whose tasks were lost (a Redis restart), so nobody is lost.

The one delivery a worker held at the instant it was killed is `sending`: SMTP may
or may not have accepted it. It is marked failed with that reason rather than sent
again, because mailing nobody twice is the promise (see the issue note).
"""

from __future__ import annotations

import logging
import os
import smtplib
import socket
from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from partyhub.comms import reminders as reminder_kinds
from partyhub.comms.consent import contactable
from partyhub.comms.models import BouncedAddress, Channel, Delivery, Message, Reminder
from partyhub.comms.rendering import (
    Rendered,
    message_id_for,
    personal_links_for,
    render,
)

log = logging.getLogger(__name__)

BATCH_SIZE = 100
MAX_ATTEMPTS = 5
INTERRUPTED = (
    "Interrupted while handing to the mail server; not sent again to avoid a duplicate."
)


def lease() -> timedelta:
    return timedelta(seconds=settings.COMMS_CLAIM_LEASE_SECONDS)


# --- dispatch: fix the recipients -------------------------------------------------


def message_reason(message: Message) -> str:
    if message.segment_id and message.segment.reason:
        return message.segment.reason
    return _(
        "You are receiving this because you are in touch with %(clp)s and agreed "
        "to hear from us by email."
    ) % {"clp": message.constituency.name}


def render_message(message: Message, *, subject: str | None = None) -> Rendered:
    """A message rendered once, with the per-recipient links apps add to it."""
    rendered = render(
        subject=subject or message.subject,
        body_markdown=message.body,
        constituency=message.constituency,
        topic=message.topic,
        reason=message_reason(message),
        sender_name=message.sender_name,
        reply_to=message.reply_to,
    )
    rendered.personal = personal_links_for(message)
    return rendered


def message_dispatch(*, message_id: int) -> int:
    """Write the deliveries of a due message; returns how many were written.

    Idempotent and atomic: a message is dispatched once, whole, whoever calls it
    and however often.
    """
    from partyhub.comms.segments import segment_people

    with transaction.atomic():
        message = (
            Message.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("segment", "constituency")
            .filter(pk=message_id, status=Message.Status.SCHEDULED)
            .filter(Q(send_at__isnull=True) | Q(send_at__lte=timezone.now()))
            .first()
        )
        if message is None:
            return 0
        people = segment_people(
            constituency=message.constituency,
            criteria_values=message.segment.criteria if message.segment_id else {},
        ).exclude(email="")
        rows = (
            Delivery(message=message, person_id=pid, to_email=email)
            for pid, email in people.values_list("pk", "email").iterator(
                chunk_size=5000
            )
        )
        created = 0
        batch: list[Delivery] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= 5000:
                Delivery.objects.bulk_create(batch, ignore_conflicts=True)
                created += len(batch)
                batch = []
        if batch:
            Delivery.objects.bulk_create(batch, ignore_conflicts=True)
            created += len(batch)
        message.status = Message.Status.SENDING
        message.dispatched_at = timezone.now()
        message.save(update_fields=["status", "dispatched_at", "updated"])
    return created


def _reminders_about_deleted_cancel(due) -> int:
    """A reminder about a record deleted since it was scheduled (a session, a
    sign-up, a report) has nothing left to say: cancel it rather than send it. One
    query per kind of record, whichever app deleted it and however."""
    by_type: dict[int, set[str]] = defaultdict(set)
    for content_type_id, object_id in due.filter(
        content_type__isnull=False
    ).values_list("content_type_id", "object_id"):
        by_type[content_type_id].add(object_id)
    cancelled = 0
    for content_type_id, object_ids in by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None:
            gone = object_ids
        else:
            kept = {
                str(pk)
                for pk in model._base_manager.filter(pk__in=object_ids).values_list(
                    "pk", flat=True
                )
            }
            gone = object_ids - kept
        if gone:
            cancelled += due.filter(
                content_type_id=content_type_id, object_id__in=gone
            ).update(status=Reminder.Status.CANCELLED)
    return cancelled


def reminders_queue_due(*, now=None) -> int:
    """Give each due reminder its delivery row (once: the row is unique per reminder)."""
    now = now or timezone.now()
    queued = 0
    due = Reminder.objects.filter(status=Reminder.Status.PENDING, due_at__lte=now)
    _reminders_about_deleted_cancel(due)
    for reminder in due.select_related("person").iterator():
        with transaction.atomic():
            if (
                Reminder.objects.filter(
                    pk=reminder.pk, status=Reminder.Status.PENDING
                ).update(status=Reminder.Status.QUEUED)
                != 1
            ):
                continue
            Delivery.objects.create(
                reminder=reminder,
                person=reminder.person,
                to_email=reminder.person.email,
                status=Delivery.Status.QUEUED
                if reminder.person.email
                else Delivery.Status.SKIPPED,
                error="" if reminder.person.email else "No email address.",
            )
            queued += 1
    return queued


# --- claiming and sending -----------------------------------------------------------


def deliveries_claim(*, limit: int = BATCH_SIZE) -> list[int]:
    """Claim up to `limit` queued deliveries for this worker."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status=Delivery.Status.QUEUED, claimed_at__isnull=True)
            .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Delivery.objects.filter(pk__in=ids).update(claimed_at=now)
    return ids


def _transition(pk: int, old: str, **changes: Any) -> bool:
    """Compare-and-set: move a delivery out of `old`; False if someone else did."""
    changes.setdefault("updated", timezone.now())
    return Delivery.objects.filter(pk=pk, status=old).update(**changes) == 1


def _rendered_for(delivery: Delivery, cache: dict) -> tuple[Rendered, bool]:
    """The rendered message for a delivery, and whether consent is required."""
    if delivery.message_id:
        key = ("m", delivery.message_id)
        if key not in cache:
            message = delivery.message
            cache[key] = render_message(message)
        return cache[key], True
    reminder = delivery.reminder
    kind = reminder_kinds.get(reminder.kind)
    constituency = reminder.person.constituency
    rendered = render(
        subject=kind.subject(reminder),
        body_markdown=kind.body(reminder),
        constituency=constituency,
        topic=kind.topic,
        reason=kind.reason(reminder),
    )
    return rendered, kind.requires_consent


def _allowed_people(deliveries: list[Delivery]) -> set[tuple[int, str]]:
    """(person id, topic) pairs whose consent stands right now, in one query a topic."""
    person_model = apps.get_model("members", "Person")
    by_topic: dict[str, set[int]] = defaultdict(set)
    for d in deliveries:
        topic = (
            d.message.topic
            if d.message_id
            else reminder_kinds.get(d.reminder.kind).topic
        )
        by_topic[topic].add(d.person_id)
    allowed: set[tuple[int, str]] = set()
    for topic, ids in by_topic.items():
        ok = contactable(
            person_model._base_manager.filter(pk__in=ids),
            channel=Channel.EMAIL,
            topic=topic,
        ).values_list("pk", flat=True)
        allowed |= {(pk, topic) for pk in ok}
    return allowed


def _is_permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 500 <= exc.smtp_code < 600
    return False


def deliveries_send(*, ids: list[int]) -> dict[str, int]:
    """Send claimed deliveries over one SMTP connection, recording each result."""
    counts: dict[str, int] = defaultdict(int)
    deliveries = list(
        Delivery.objects.filter(pk__in=ids, status=Delivery.Status.QUEUED)
        .select_related(
            "person__constituency",
            "message__constituency",
            "message__segment",
            "reminder__person__constituency",
        )
        .order_by("pk")
    )
    if not deliveries:
        return counts
    allowed = _allowed_people(deliveries)
    bounced = set(
        BouncedAddress.objects.filter(
            email__in=[d.to_email.lower() for d in deliveries]
        ).values_list("email", flat=True)
    )
    cache: dict = {}
    connection = get_connection()
    open_ = False
    try:
        for delivery in deliveries:
            try:
                rendered, needs_consent = _rendered_for(delivery, cache)
            except Exception as exc:  # noqa: BLE001 - one bad row must not stop the batch
                # E.g. a reminder about a record deleted since it was scheduled:
                # it cannot be written, so it fails alone and the rest go out.
                log.exception("Delivery %s could not be written", delivery.pk)
                _transition(
                    delivery.pk,
                    Delivery.Status.QUEUED,
                    status=Delivery.Status.FAILED,
                    error=f"Could not be written: {type(exc).__name__}: {exc}"[:1000],
                )
                counts["failed"] += 1
                continue
            consent_ok = (delivery.person_id, rendered.topic) in allowed
            if (
                needs_consent and not consent_ok
            ) or delivery.to_email.lower() in bounced:
                _transition(
                    delivery.pk,
                    Delivery.Status.QUEUED,
                    status=Delivery.Status.SKIPPED,
                    error="No consent for email at send time."
                    if not consent_ok
                    else "Address bounced.",
                )
                counts["skipped"] += 1
                continue
            if not _transition(
                delivery.pk,
                Delivery.Status.QUEUED,
                status=Delivery.Status.SENDING,
                attempts=delivery.attempts + 1,
            ):
                continue  # somebody else has it
            email = rendered.for_person(
                person_id=delivery.person_id,
                to=delivery.to_email,
                message_id=message_id_for(delivery.pk),
            )
            try:
                if not open_:
                    # One connection for the whole batch (send_messages alone would
                    # open and close one per message).
                    connection.open()
                    open_ = True
                connection.send_messages([email])
            except Exception as exc:  # noqa: BLE001 - every failure is recorded
                counts[_record_failure(delivery, exc)] += 1
                _reset_connection(connection)
                open_ = False
                continue
            _transition(
                delivery.pk,
                Delivery.Status.SENDING,
                status=Delivery.Status.SENT,
                sent_at=timezone.now(),
                error="",
            )
            counts["sent"] += 1
            _maybe_crash_for_test()
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001, S110 - a broken connection is already gone
            pass
    return dict(counts)


_sent_in_process = 0


def _maybe_crash_for_test() -> None:
    """Test-only fault injection: die like a killed worker (no cleanup, no ack)."""
    global _sent_in_process
    limit = getattr(settings, "COMMS_TEST_CRASH_AFTER_SENT", 0)
    if limit:
        _sent_in_process += 1
        if _sent_in_process >= limit:
            os._exit(137)


def _reset_connection(connection) -> None:
    try:
        connection.close()
    except Exception:  # noqa: BLE001, S110
        pass


def _record_failure(delivery: Delivery, exc: Exception) -> str:
    reason = f"{type(exc).__name__}: {exc}"[:1000]
    attempts = delivery.attempts + 1
    if _is_permanent(exc):
        BouncedAddress.objects.get_or_create(
            email=delivery.to_email.lower(), defaults={"reason": reason}
        )
        _transition(
            delivery.pk,
            Delivery.Status.SENDING,
            status=Delivery.Status.FAILED,
            error=reason,
        )
        return "failed"
    transient = isinstance(exc, smtplib.SMTPException | socket.error | TimeoutError)
    if transient and attempts < MAX_ATTEMPTS:
        # Back off 1, 2, 4, 8 minutes; the claim is released for any worker.
        _transition(
            delivery.pk,
            Delivery.Status.SENDING,
            status=Delivery.Status.QUEUED,
            claimed_at=None,
            not_before=timezone.now() + timedelta(minutes=2 ** (attempts - 1)),
            error=reason,
        )
        return "retry"
    _transition(
        delivery.pk,
        Delivery.Status.SENDING,
        status=Delivery.Status.FAILED,
        error=reason,
    )
    return "failed"


# --- housekeeping -------------------------------------------------------------------


def deliveries_recover(*, now=None) -> dict[str, int]:
    """Free claims whose worker is gone and close out interrupted sends."""
    now = now or timezone.now()
    stale = now - lease()
    freed = Delivery.objects.filter(
        status=Delivery.Status.QUEUED, claimed_at__lt=stale
    ).update(claimed_at=None, updated=now)
    interrupted = Delivery.objects.filter(
        status=Delivery.Status.SENDING, updated__lt=stale
    ).update(status=Delivery.Status.FAILED, error=INTERRUPTED, updated=now)
    return {"freed": freed, "interrupted": interrupted}


def messages_finish() -> int:
    """Mark messages sent once none of their deliveries is waiting."""
    open_work = Delivery.objects.filter(
        message=OuterRef("pk"),
        status__in=[Delivery.Status.QUEUED, Delivery.Status.SENDING],
    )
    return (
        Message.objects.filter(
            status=Message.Status.SENDING, dispatched_at__isnull=False
        )
        .exclude(Exists(open_work))
        .update(status=Message.Status.SENT, finished_at=timezone.now())
    )


def pending_work_exists() -> bool:
    now = timezone.now()
    return (
        Delivery.objects.filter(status=Delivery.Status.QUEUED, claimed_at__isnull=True)
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        .exists()
    )
