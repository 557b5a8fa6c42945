"""Role rows (forum officers, team leads, network co-ordinators) saved from their
own admin page: a new row, or one given to another person or moved to another
forum, team or network, records who appointed the holder and for which
constituency."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models, transaction

from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log
from partyhub.scoping import stamp_appointment


@transaction.atomic
def appointment_save(
    *,
    instance: models.Model,
    parent_field: str,
    changed: Iterable[str],
    adding: bool,
    actor: Any,
) -> models.Model:
    if adding or {"person", parent_field} & set(changed):
        parent = getattr(instance, parent_field)
        spans = list(parent.constituencies.values_list("pk", flat=True))
        stamp_appointment(instance, actor=actor, spans=spans)
    instance.save()
    audit_log(
        actor=actor,
        action=AuditAction.APPOINTMENT_SAVED,
        obj=instance,
        detail={
            "person": instance.serializable_value("person"),
            "parent": parent_field,
        },
    )
    return instance
