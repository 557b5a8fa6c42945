"""Sending: every recipient at least once, a duplicate only after a crash.

The database is the source of truth, not the broker:
- dispatching a message writes one Delivery per (message, person) in one
  transaction, under a unique constraint;
- a worker claims a batch of queued deliveries (SELECT … FOR UPDATE SKIP LOCKED),
  renews its claim while it works (a heartbeat), and marks each one `sending` with
  a compare-and-set just before handing it to SMTP, then `sent`; consent is
  checked again for every batch;
- a dead worker's batch is freed at once by its parent (the worker-lost signal,
  partyhub.comms.tasks), or by the beat tick when its lease was not renewed; the
  tick also resumes work whose tasks were lost (a Redis restart).

The guarantee (README, "Sending mail"): a delivery a worker held at the instant
it died is `sending`, and SMTP may or may not have accepted it. It goes back to
the queue and is sent again with the same Message-ID (a receiving server may
drop the copy), because one duplicate per crash is better than a silent loss.
Rejections by the server fail for good; a failure that may have been delivered
says so.

When the mail server cannot be reached at all, a circuit breaker (circuit.py)
pauses sending instead of spending every row's attempts: rows stay queued, the
messages show "paused", and one probe at a time retries with backoff until the
server answers.
"""

from __future__ import annotations

import logging
import queue
import smtplib
import socket
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from partyhub.comms import merge
from partyhub.comms import reminders as reminder_kinds
from partyhub.comms.circuit import (
    circuit_close,
    circuit_open,
    is_outage,
    may_send,
    sending_paused,
)
from partyhub.comms.consent import contactable
from partyhub.comms.models import (
    BouncedAddress,
    Channel,
    Delivery,
    Message,
    Reminder,
)
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
    "Interrupted while handing to the mail server (the worker stopped); sent again "
    "with the same Message-ID, so it may arrive twice."
)
NO_CONSENT = "No consent for email at send time."
NO_EMAIL = "No email address."
BOUNCED = "Address bounced."
MAY_HAVE_GONE = (
    " The mail server may have accepted it before the error, so it may have arrived."
)


def lease() -> timedelta:
    return timedelta(seconds=settings.COMMS_CLAIM_LEASE_SECONDS)


# --- dispatch: fix the recipients -------------------------------------------------


def message_reason(message: Message) -> str:
    segment = message.segment
    if segment is not None and segment.reason:
        return segment.reason
    return _(
        "You are receiving this because you are in touch with %(clp)s and agreed "
        "to hear from us by email."
    ) % {"clp": message.constituency.name}


def render_message(message: Message, *, subject: str | None = None) -> Rendered:
    """A message rendered once, with the per-recipient links apps add to it."""
    rendered = render(
        subject=merge.to_placeholders(subject or message.subject),
        body_markdown=merge.to_placeholders(message.body),
        constituency=message.constituency,
        topic=message.topic,
        reason=message_reason(message),
        sender_name=message.sender_name,
        reply_to=message.reply_to,
    )
    links = personal_links_for(message)

    def personal(person_id: int) -> dict[str, str]:
        values = merge.personal_values(person_id)
        if links is not None:
            values.update(links(person_id))
        return values

    rendered.personal = personal
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
        )
        # Everyone in the segment gets a row, so the message's summary accounts
        # for each of them: those without an address are skipped from the start.
        rows = (
            Delivery(message=message, person_id=pid, to_email=email)
            if email
            else Delivery(
                message=message,
                person_id=pid,
                status=Delivery.Status.SKIPPED,
                error=NO_EMAIL,
            )
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
        message.status = (
            Message.Status.PAUSED if sending_paused() else Message.Status.SENDING
        )
        message.dispatched_at = timezone.now()
        message.save(update_fields=["status", "dispatched_at", "updated"])
    return created


def _reminders_about_deleted_cancel(due: QuerySet[Reminder]) -> int:
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


def reminders_queue_due(*, now: datetime | None = None) -> int:
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
                error="" if reminder.person.email else NO_EMAIL,
            )
            queued += 1
    return queued


# --- claiming and sending -----------------------------------------------------------


def deliveries_claim(*, limit: int = BATCH_SIZE, worker: str = "") -> list[int]:
    """Claim up to `limit` queued deliveries for this worker (none while paused)."""
    now = timezone.now()
    if not may_send(now):
        return []
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status=Delivery.Status.QUEUED, claimed_at__isnull=True)
            .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Delivery.objects.filter(pk__in=ids).update(
                claimed_at=now, claimed_by=worker[:64]
            )
    return ids


def deliveries_release(*, worker: str) -> dict[str, int]:
    """Free what a worker that is known to be gone held: its claimed rows go back
    to the queue, and the one it was handing to SMTP is sent again (same
    Message-ID). Called by the worker's parent when the child died."""
    if not worker:
        return {"freed": 0, "interrupted": 0}
    now = timezone.now()
    # Through the (status, claimed_at) index: only claimed rows are looked at,
    # never the table's history.
    mine = Delivery.objects.filter(claimed_at__isnull=False, claimed_by=worker[:64])
    interrupted = mine.filter(status=Delivery.Status.SENDING).update(
        status=Delivery.Status.QUEUED,
        claimed_at=None,
        claimed_by="",
        error=INTERRUPTED,
        updated=now,
    )
    freed = mine.filter(status=Delivery.Status.QUEUED).update(
        claimed_at=None, claimed_by="", updated=now
    )
    return {"freed": freed, "interrupted": interrupted}


def _transition(pk: int, old: str, **changes: Any) -> bool:
    """Compare-and-set: move a delivery out of `old`; False if someone else did."""
    changes.setdefault("updated", timezone.now())
    return Delivery.objects.filter(pk=pk, status=old).update(**changes) == 1


def _rendered_for(delivery: Delivery, cache: dict) -> tuple[Rendered, bool]:
    """The rendered message for a delivery, and whether consent is required."""
    message = delivery.message if delivery.message_id else None
    if message is not None:
        key = ("m", delivery.message_id)
        if key not in cache:
            cache[key] = render_message(message)
        return cache[key], True
    reminder = delivery.reminder
    if reminder is None:
        raise CannotWrite("The delivery has neither a message nor a reminder.")
    try:
        kind = reminder_kinds.get(reminder.kind)
    except KeyError:
        raise CannotWrite(
            f"The reminder kind “{reminder.kind}” is not known to this version of "
            "partyhub (renamed or removed in an update), so it cannot be written."
        ) from None
    constituency = reminder.person.constituency
    rendered = render(
        subject=kind.subject(reminder),
        body_markdown=kind.body(reminder),
        constituency=constituency,
        topic=kind.topic,
        reason=kind.reason(reminder),
    )
    if kind.attachments is not None:
        rendered.attachments = kind.attachments(reminder)
    return rendered, kind.requires_consent


class CannotWrite(Exception):
    """A delivery that cannot be written; its text is the reason an officer reads."""


def _allowed_people(wanted: list[tuple[int, str]]) -> set[tuple[int, str]]:
    """(person id, topic) pairs whose consent stands right now, in one query a topic."""
    person_model = apps.get_model("members", "Person")
    by_topic: dict[str, set[int]] = defaultdict(set)
    for person_id, topic in wanted:
        by_topic[topic].add(person_id)
    allowed: set[tuple[int, str]] = set()
    for topic, ids in by_topic.items():
        ok = contactable(
            person_model._base_manager.filter(pk__in=ids),
            channel=Channel.EMAIL,
            topic=topic,
        ).values_list("pk", flat=True)
        allowed |= {(pk, topic) for pk in ok}
    return allowed


def _is_permanent(exc: BaseException) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 500 <= exc.smtp_code < 600
    return False


def _fail_unwritable(delivery: Delivery, exc: Exception) -> None:
    if isinstance(exc, CannotWrite):
        reason = str(exc)
        log.error("Delivery %s could not be written: %s", delivery.pk, reason)
    else:
        log.exception("Delivery %s could not be written", delivery.pk)
        reason = f"Could not be written: {type(exc).__name__}: {exc}"
    _transition(
        delivery.pk,
        Delivery.Status.QUEUED,
        status=Delivery.Status.FAILED,
        error=reason[:1000],
        claimed_by="",
    )


def deliveries_send(*, ids: list[int]) -> dict[str, int]:
    """Send claimed deliveries over up to COMMS_SMTP_CONNECTIONS SMTP connections
    at once (threads), recording each result.

    Whatever goes wrong with one row (it cannot be written, the server refuses
    the address) is recorded on that row and the rest of the batch goes on; an
    unreachable server pauses sending and hands the rest of the batch back.
    """
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
    cache: dict = {}
    written: list[tuple[Delivery, Rendered, bool]] = []
    for delivery in deliveries:
        try:
            rendered, needs_consent = _rendered_for(delivery, cache)
        except Exception as exc:  # noqa: BLE001 - one bad row must not stop the batch
            _fail_unwritable(delivery, exc)
            counts["failed"] += 1
            continue
        written.append((delivery, rendered, needs_consent))
    allowed = _allowed_people([(d.person_id, r.topic) for d, r, _n in written])
    bounced = set(
        BouncedAddress.objects.filter(
            email__in=[d.to_email.lower() for d in deliveries]
        ).values_list("email", flat=True)
    )
    pool = _SmtpPool(smtp_connections())
    in_flight: dict[Future[None], Delivery] = {}
    state = {"stopped": False, "closed": False}
    heartbeat_every = lease().total_seconds() / 4
    last_beat = time.monotonic()
    last_submitted = -1

    def beat() -> None:
        nonlocal last_beat
        if time.monotonic() - last_beat > heartbeat_every:
            # The heartbeat: this worker is alive, its claim stands.
            Delivery.objects.filter(
                pk__in=ids,
                status__in=[Delivery.Status.QUEUED, Delivery.Status.SENDING],
            ).update(claimed_at=timezone.now())
            last_beat = time.monotonic()

    def settle(done: Iterable[Future[None]]) -> None:
        # Results are written here, in the calling thread only (one database
        # connection; the SMTP threads never touch the database).
        for future in sorted(done, key=lambda f: in_flight[f].pk):
            delivery = in_flight.pop(future)
            exc = future.exception()
            if isinstance(exc, _Unreachable):
                # Never handed over: back to the queue without spending an attempt.
                _transition(
                    delivery.pk,
                    Delivery.Status.SENDING,
                    status=Delivery.Status.QUEUED,
                    attempts=delivery.attempts,
                    claimed_at=None,
                    claimed_by="",
                )
                counts["paused"] += 1
                if not state["stopped"]:
                    circuit_open(error=exc.error)
                    state["stopped"] = True
                continue
            if not state["closed"] and not state["stopped"]:
                circuit_close()
                state["closed"] = True
            if exc is not None:
                counts[_record_failure(delivery, exc)] += 1
                if is_outage(exc) and not state["stopped"]:
                    # The server went away: the rows in flight spent one attempt
                    # each, the rest wait for the server without spending theirs.
                    circuit_open(error=exc)
                    state["stopped"] = True
                continue
            _transition(
                delivery.pk,
                Delivery.Status.SENDING,
                status=Delivery.Status.SENT,
                sent_at=timezone.now(),
                error="",
            )
            counts["sent"] += 1

    try:
        for position, (delivery, rendered, needs_consent) in enumerate(written):
            if state["stopped"]:
                break
            beat()
            consent_ok = (delivery.person_id, rendered.topic) in allowed
            if (
                needs_consent and not consent_ok
            ) or delivery.to_email.lower() in bounced:
                _transition(
                    delivery.pk,
                    Delivery.Status.QUEUED,
                    status=Delivery.Status.SKIPPED,
                    error=NO_CONSENT if not consent_ok else BOUNCED,
                )
                counts["skipped"] += 1
                continue
            try:
                email = rendered.for_person(
                    person_id=delivery.person_id,
                    to=delivery.to_email,
                    message_id=message_id_for(delivery.pk),
                )
            except Exception as exc:  # noqa: BLE001 - contained to its row
                _fail_unwritable(delivery, exc)
                counts["failed"] += 1
                continue
            # `sending` before it leaves this process: if the worker dies now,
            # the row is sent again (same Message-ID), never lost.
            if not _transition(
                delivery.pk,
                Delivery.Status.QUEUED,
                status=Delivery.Status.SENDING,
                attempts=delivery.attempts + 1,
            ):
                continue  # somebody else has it
            in_flight[pool.submit(email)] = delivery
            last_submitted = position
            if len(in_flight) >= pool.size:
                done, _pending = wait(in_flight, return_when=FIRST_COMPLETED)
                settle(done)
        while in_flight:
            done, _pending = wait(
                in_flight,
                timeout=max(heartbeat_every, 0.05),
                return_when=FIRST_COMPLETED,
            )
            beat()
            settle(done)
        if state["stopped"]:
            rest = [d.pk for d, _r, _n in written[last_submitted + 1 :]]
            counts["paused"] += Delivery.objects.filter(
                pk__in=rest, status=Delivery.Status.QUEUED
            ).update(claimed_at=None, claimed_by="")
    finally:
        pool.close()
    return dict(counts)


def smtp_connections() -> int:
    """How many SMTP connections one batch sends over at once."""
    return max(1, int(settings.COMMS_SMTP_CONNECTIONS))


class _Unreachable(Exception):
    """The connection could not be opened: nothing was handed to the server."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


class _SmtpPool:
    """Up to `size` SMTP connections, each used by one thread at a time.

    The threads only talk SMTP; what happened to each email is written by the
    caller (deliveries_send), so each row still goes queued -> sending (before
    the hand-over) -> sent/failed (after it), as with one connection. A worker
    that dies mid-batch leaves at most `size` rows `sending`, each sent again
    with its Message-ID."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._idle: queue.SimpleQueue[BaseEmailBackend | None] = queue.SimpleQueue()
        for _slot in range(size):
            self._idle.put(None)  # made on first use
        self._made: list[BaseEmailBackend] = []
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=size, thread_name_prefix="smtp")

    def submit(self, email: EmailMessage) -> Future[None]:
        return self._executor.submit(self._send, email)

    def _send(self, email: EmailMessage) -> None:
        connection = self._idle.get()
        try:
            if connection is None:
                connection = get_connection()
                with self._lock:
                    self._made.append(connection)
            try:
                # Opened once and kept for the batch (send_messages alone would
                # open and close one per message); a no-op when already open.
                connection.open()
            except Exception as exc:  # noqa: BLE001 - the server is unreachable
                _reset_connection(connection)
                raise _Unreachable(exc) from exc
            try:
                connection.send_messages([email])
            except Exception:
                _reset_connection(connection)
                raise
        finally:
            self._idle.put(connection)

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        for connection in self._made:
            _reset_connection(connection)


def _reset_connection(connection) -> None:
    try:
        connection.close()
    except Exception:  # noqa: BLE001, S110 - a broken connection is already gone
        pass


def _record_failure(delivery: Delivery, exc: BaseException) -> str:
    reason = f"{type(exc).__name__}: {exc}"[:900]
    # A refusal is an answer: the server did not take it. Anything else (the
    # connection dropped, a timeout) may have come after the server accepted it.
    refused = isinstance(
        exc, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused
    )
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
        # Back off 1, 2, 4, 8 minutes; the claim is released for any worker. Sent
        # again with the same Message-ID, so a copy the server did take is dropped.
        _transition(
            delivery.pk,
            Delivery.Status.SENDING,
            status=Delivery.Status.QUEUED,
            claimed_at=None,
            claimed_by="",
            not_before=timezone.now() + timedelta(minutes=2 ** (attempts - 1)),
            error=reason if refused else reason + MAY_HAVE_GONE,
        )
        return "retry"
    _transition(
        delivery.pk,
        Delivery.Status.SENDING,
        status=Delivery.Status.FAILED,
        error=reason if refused else reason + MAY_HAVE_GONE,
    )
    return "failed"


# --- housekeeping -------------------------------------------------------------------


def deliveries_recover(*, now=None) -> dict[str, int]:
    """Free claims whose lease was not renewed (their worker is gone), and queue
    again, with the same Message-ID, what such a worker was handing to SMTP."""
    now = now or timezone.now()
    stale = now - lease()
    freed = Delivery.objects.filter(
        status=Delivery.Status.QUEUED, claimed_at__lt=stale
    ).update(claimed_at=None, claimed_by="", updated=now)
    interrupted = Delivery.objects.filter(
        Q(claimed_at__lt=stale) | Q(claimed_at__isnull=True, updated__lt=stale),
        status=Delivery.Status.SENDING,
    ).update(
        status=Delivery.Status.QUEUED,
        claimed_at=None,
        claimed_by="",
        error=INTERRUPTED,
        updated=now,
    )
    return {"freed": freed, "interrupted": interrupted}


def messages_finish() -> int:
    """Mark messages sent once none of their deliveries is waiting."""
    open_work = Delivery.objects.filter(
        message=OuterRef("pk"),
        status__in=[Delivery.Status.QUEUED, Delivery.Status.SENDING],
    )
    return (
        Message.objects.filter(
            status__in=[Message.Status.SENDING, Message.Status.PAUSED],
            dispatched_at__isnull=False,
        )
        .exclude(Exists(open_work))
        .update(status=Message.Status.SENT, finished_at=timezone.now())
    )


def pending_work_exists() -> bool:
    now = timezone.now()
    circuit = sending_paused()
    if circuit is not None and circuit.retry_at and circuit.retry_at > now:
        return False  # paused: the tick after retry_at starts the probe
    return (
        Delivery.objects.filter(status=Delivery.Status.QUEUED, claimed_at__isnull=True)
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        .exists()
    )
