"""What the campaigns services share."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log
from partyhub.errors import DomainError

LONDON = ZoneInfo("Europe/London")


class CampaignsError(DomainError):
    """A domain error a person can read: nothing was changed."""


def reminders_about_cancel(*, model, pks) -> int:
    """Cancel the reminders still to send about these rows, before the rows are
    deleted: a reminder about a deleted row cannot be written, and would stop
    the sending of everyone else's mail in its batch."""
    from django.contrib.contenttypes.models import ContentType

    from partyhub.comms.models import Reminder

    return Reminder.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id__in=[str(pk) for pk in pks],
        status=Reminder.Status.PENDING,
    ).update(status=Reminder.Status.CANCELLED)


@transaction.atomic
def case_study_create(*, instance: Any, actor: Any) -> Any:
    """A case study an officer writes: saved with who wrote it."""
    instance.created_by = actor if getattr(actor, "is_authenticated", False) else None
    instance.save()
    audit_log(actor=actor, action=AuditAction.CASESTUDY_CREATED, obj=instance)
    return instance
