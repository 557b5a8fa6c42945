"""The circuit breaker in front of the mail server.

When the server cannot be reached (refused, no answer within EMAIL_TIMEOUT, a
421), every queued row would otherwise spend its attempts at the same pace and
fail for good after a quarter of an hour (issue 20: 599 of 1,000 lost after an
18-minute outage). Instead sending pauses: the rows stay queued without spending
attempts, the messages being sent show "paused", and one probe at a time tries
again with backoff (30 s doubling up to COMMS_SMTP_RETRY_MAX_SECONDS) for as long
as the outage lasts. The first connection that works closes the circuit and
resumes every paused message.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from partyhub.comms.models import Delivery, Message, SmtpCircuit

log = logging.getLogger("partyhub.comms.sending")


def _backoff(failures: int) -> timedelta:
    seconds = min(30 * 2 ** max(failures - 1, 0), settings.COMMS_SMTP_RETRY_MAX_SECONDS)
    return timedelta(seconds=seconds)


def sending_paused() -> SmtpCircuit | None:
    """The open circuit while the mail server is known to be unreachable, else None."""
    return SmtpCircuit.objects.filter(pk=1, opened_at__isnull=False).first()


def may_send(now) -> bool:
    """Whether this worker may send now: the circuit is closed, or it is time for a
    probe and this worker won it (one probe at a time, compare-and-set)."""
    circuit = sending_paused()
    if circuit is None:
        return True
    if circuit.retry_at and circuit.retry_at > now:
        return False
    return (
        SmtpCircuit.objects.filter(pk=1, retry_at=circuit.retry_at).update(
            retry_at=now + timedelta(seconds=settings.COMMS_CLAIM_LEASE_SECONDS)
        )
        == 1
    )


def circuit_open(*, error: BaseException) -> None:
    """The mail server could not be reached: pause sending, back off."""
    now = timezone.now()
    reason = f"{type(error).__name__}: {error}"[:1000]
    with transaction.atomic():
        circuit = SmtpCircuit.objects.select_for_update().get_or_create(pk=1)[0]
        circuit.failures += 1
        if circuit.opened_at is None:
            circuit.opened_at = now
            log.warning("Mail server unreachable, sending paused: %s", reason)
        circuit.retry_at = now + _backoff(circuit.failures)
        circuit.last_error = reason
        circuit.save()
        waiting = Delivery.objects.filter(
            message=OuterRef("pk"), status=Delivery.Status.QUEUED
        )
        Message.objects.filter(status=Message.Status.SENDING).filter(
            Exists(waiting)
        ).update(status=Message.Status.PAUSED, updated=now)


def circuit_close() -> None:
    """The mail server answered: resume every paused message."""
    with transaction.atomic():
        if (
            SmtpCircuit.objects.filter(pk=1, opened_at__isnull=False).update(
                opened_at=None, retry_at=None, failures=0
            )
            == 0
        ):
            return
        Message.objects.filter(status=Message.Status.PAUSED).update(
            status=Message.Status.SENDING, updated=timezone.now()
        )
    log.warning("Mail server reachable again, sending resumed")


def is_outage(exc: BaseException) -> bool:
    """The server itself is unreachable or refusing service (not this recipient)."""
    if isinstance(
        exc,
        smtplib.SMTPServerDisconnected
        | smtplib.SMTPConnectError
        | smtplib.SMTPHeloError
        | smtplib.SMTPAuthenticationError,
    ):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code == 421  # "service not available, closing channel"
    if isinstance(exc, smtplib.SMTPException):
        return False
    return isinstance(exc, OSError)  # refused, reset, timed out, no such host
