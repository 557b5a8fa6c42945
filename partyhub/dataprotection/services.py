"""Writes of the data protection records an officer keeps by hand."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log


@transaction.atomic
def keep_as_former_member_create(*, instance: Any, actor: Any) -> Any:
    """A former member's agreement to be kept on as one: saved with who took it."""
    instance.recorded_by = actor if getattr(actor, "is_authenticated", False) else None
    instance.save()
    audit_log(actor=actor, action=AuditAction.KEEPASFORMERMEMBER_CREATED, obj=instance)
    return instance
