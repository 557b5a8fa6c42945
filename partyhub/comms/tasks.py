"""Celery tasks: a few lines each, calling the sending services.

Every task may run twice or be interrupted: the Delivery rows make that harmless.
"""

from __future__ import annotations

import logging
import os
import time

from billiard.exceptions import WorkerLostError
from celery.signals import task_failure
from django.conf import settings

from partyhub.celery import app
from partyhub.comms import sending

log = logging.getLogger(__name__)


@app.task(acks_late=True)
def dispatch_message(message_id: int) -> int:
    created = sending.message_dispatch(message_id=message_id)
    if created:
        kick_senders()
    return created


@app.task(acks_late=True, bind=True)
def send_pending(self) -> int:
    """Claim and send batches for up to a time budget, then hand over to a fresh task."""
    # The claim names this task, so what a dead process held is freed at once:
    # the broker redelivers the task (acks_late, reject on worker lost) and the
    # new run frees its predecessor's batch first; where the task is not
    # redelivered, the worker's parent does it (release_after_worker_lost).
    worker = self.request.id or f"pid-{os.getpid()}"
    sending.deliveries_release(worker=worker)
    deadline = time.monotonic() + settings.COMMS_SEND_TASK_SECONDS
    sent = 0
    while time.monotonic() < deadline:
        ids = sending.deliveries_claim(worker=worker)
        if not ids:
            return sent
        sent += sending.deliveries_send(ids=ids).get("sent", 0)
    send_pending.delay()
    return sent


@task_failure.connect
def release_after_worker_lost(
    sender=None, task_id=None, exception=None, **_kwargs
) -> None:
    """A pool process died mid-send (killed, out of memory): its parent, still
    alive, frees the batch now instead of waiting for the lease, and starts a
    sender for it. Its interrupted delivery goes again with the same Message-ID."""
    if getattr(sender, "name", None) != send_pending.name:
        return
    if not isinstance(exception, WorkerLostError):
        return
    released = sending.deliveries_release(worker=task_id or "")
    log.warning("Send task %s lost its worker; released %s", task_id, released)
    send_pending.delay()


def kick_senders() -> None:
    for _ in range(settings.COMMS_SEND_PARALLELISM):
        send_pending.delay()


@app.task(acks_late=True)
def tick() -> dict:
    """The beat tick (every minute): recover, dispatch what is due, resume sending."""
    from django.utils import timezone

    from partyhub.comms.models import Message

    result = sending.deliveries_recover()
    due = Message.objects.filter(
        status=Message.Status.SCHEDULED, send_at__lte=timezone.now()
    ).values_list("pk", flat=True)
    result["dispatched"] = sum(sending.message_dispatch(message_id=pk) for pk in due)
    result["reminders"] = sending.reminders_queue_due()
    result["finished"] = sending.messages_finish()
    if sending.pending_work_exists():
        kick_senders()
    return result


@app.task(acks_late=True)
def newsletter_check() -> int:
    from partyhub.comms.newsletter import newsletter_reminders_schedule

    return newsletter_reminders_schedule()
