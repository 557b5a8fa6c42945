"""What officers do with messages: schedule, send now, test-send, cancel."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log
from partyhub.comms import merge
from partyhub.comms.models import Message
from partyhub.comms.sending import render_message
from partyhub.errors import DomainError
from partyhub.queueing import enqueue_on_commit
from partyhub.updates import adopt

if TYPE_CHECKING:
    from partyhub.accounts.models import User


class MessageStateError(DomainError):
    pass


@transaction.atomic
def message_schedule(
    *, message: Message, actor: User | None, send_at: datetime.datetime | None = None
) -> Message:
    """Schedule a draft (send_at None: now). The beat tick dispatches it when due."""
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.status != Message.Status.DRAFT:
        raise MessageStateError(
            _("Only a draft can be scheduled; this one is %(s)s.")
            % {"s": message.get_status_display()}
        )
    if message.segment_id is None:
        raise MessageStateError(_("Choose who the message goes to before sending it."))
    if message.segment.constituency_id != message.constituency_id:
        raise MessageStateError(_("That segment belongs to another constituency."))
    unknown = merge.unknown_fields(f"{message.subject}\n{message.body}")
    if unknown:
        # The compose form refuses these; a message written any other way (an
        # import, the shell) must not go out with a literal {field} either.
        raise MessageStateError(
            _(
                "%(fields)s is not a merge field we can fill in, so it would be "
                "sent as it is. Edit the message first."
            )
            % {"fields": ", ".join(f"{{{f}}}" for f in unknown)}
        )
    message.status = Message.Status.SCHEDULED
    message.send_at = send_at or timezone.now()
    message.save(update_fields=["status", "send_at", "updated"])
    audit_log(
        actor=actor,
        action=AuditAction.MESSAGE_SCHEDULE,
        obj=message,
        detail={"send_at": message.send_at.isoformat()},
    )
    if message.send_at <= timezone.now():
        # Start now if the broker answers; if not, the beat tick sends it.
        from partyhub.comms.tasks import dispatch_message

        enqueue_on_commit(dispatch_message, message.pk)
    return message


@transaction.atomic
def message_cancel(*, message: Message, actor: User | None) -> Message:
    updated = Message.objects.filter(
        pk=message.pk, status__in=[Message.Status.DRAFT, Message.Status.SCHEDULED]
    ).update(status=Message.Status.CANCELLED, updated=timezone.now())
    if not updated:
        raise MessageStateError(
            _("A message that has started sending cannot be cancelled.")
        )
    audit_log(actor=actor, action=AuditAction.MESSAGE_CANCEL, obj=message)
    message.refresh_from_db()
    return message


def message_test_send(*, message: Message, actor: User | None) -> str:
    """Send the message to the officer themself, marked as a test. No delivery row."""
    to = getattr(actor, "email", "")
    if not to:
        raise MessageStateError(_("Your login has no email address to send a test to."))
    person = getattr(actor, "person", None)
    rendered = render_message(
        message, subject=_("[TEST] %(subject)s") % {"subject": message.subject}
    )
    email = rendered.for_person(
        person_id=person.pk if person else 0,
        to=to,
        message_id=f"<test-{message.pk}-{timezone.now().timestamp():.0f}@partyhub>",
    )
    email.send()
    audit_log(actor=actor, action=AuditAction.MESSAGE_TEST_SEND, obj=message)
    return to


@transaction.atomic
def message_retry_failed(*, message: Message, actor: User | None) -> int:
    """Queue the message's failed deliveries again (one click on its page).

    Consent and bounces are checked again when they go: an address that bounced
    is skipped, not mailed. Each goes with its own Message-ID, as the first time.
    """
    from partyhub.comms.models import Delivery, SmtpCircuit

    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.status not in (
        Message.Status.SENDING,
        Message.Status.PAUSED,
        Message.Status.SENT,
    ):
        raise MessageStateError(_("Only a message that was sent can be retried."))
    retried = Delivery.objects.filter(
        message=message, status=Delivery.Status.FAILED
    ).update(
        status=Delivery.Status.QUEUED,
        attempts=0,
        claimed_at=None,
        claimed_by="",
        not_before=None,
        updated=timezone.now(),
    )
    if not retried:
        raise MessageStateError(_("No delivery of this message has failed."))
    # An officer retrying believes the mail server is back: try it now rather
    # than at the paused circuit's next backoff.
    SmtpCircuit.objects.filter(pk=1, opened_at__isnull=False).update(
        retry_at=timezone.now()
    )
    if message.status == Message.Status.SENT:
        message.status = Message.Status.SENDING
        message.finished_at = None
        message.save(update_fields=["status", "finished_at", "updated"])
    audit_log(
        actor=actor,
        action=AuditAction.MESSAGE_RETRY_FAILED,
        obj=message,
        row_count=retried,
    )
    from partyhub.comms.tasks import send_pending

    enqueue_on_commit(send_pending)
    return retried


def consent_event_add(*, instance: Any, actor: Any) -> Any:
    """A consent an officer records in the admin (`instance` from its form):
    through consent_record, which keeps the current state; the admin then logs
    and links to the entry consent_record wrote."""
    from partyhub.comms.consent import consent_record

    event = consent_record(
        person=instance.person,
        channel=instance.channel,
        topic=instance.topic,
        granted=instance.granted,
        method=instance.method,
        wording=instance.wording,
        actor=actor,
    )
    if event is None:
        # Only an import yields to what was recorded locally; an officer's entry
        # is never an import, so this does not happen from the admin.
        raise DomainError(_("That consent was not recorded."))
    return adopt(instance, event)


@transaction.atomic
def message_create(*, instance: Any, actor: Any) -> Any:
    """A message an officer writes: saved with who wrote it."""
    instance.created_by = actor if getattr(actor, "is_authenticated", False) else None
    instance.save()
    audit_log(actor=actor, action=AuditAction.MESSAGE_CREATED, obj=instance)
    return instance


@transaction.atomic
def segment_create(*, instance: Any, actor: Any) -> Any:
    """A segment an officer defines: saved with who defined it."""
    instance.created_by = actor if getattr(actor, "is_authenticated", False) else None
    instance.save()
    audit_log(actor=actor, action=AuditAction.SEGMENT_CREATED, obj=instance)
    return instance
