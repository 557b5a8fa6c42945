from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from partyhub.actors import user_or_none
from partyhub.audit.actions import AuditAction, is_known
from partyhub.audit.models import AuditEntry
from partyhub.scoping import constituency_ids_of

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from partyhub.accounts.models import User


def audit_log(
    *,
    actor: User | AnonymousUser | None,
    action: AuditAction | str,
    obj: models.Model | None = None,
    constituency_id: int | None = None,
    constituency_ids: Iterable[int] | None = None,
    row_count: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record one thing somebody (or the system, actor=None) did. An anonymous
    visitor (request.user logged out) is recorded as the system.

    The constituency comes from the object when not given, so officers of that
    constituency can read the entry and nobody else can. An entry about a record
    several CLPs share (or given several `constituency_ids`, as a transfer between
    two CLPs is) is readable by the officers of each.

    `action` is one of `AuditAction` (partyhub/audit/actions.py): anything else is
    refused, so the log stays a closed list of event types.
    """
    if not is_known(str(action)):
        raise ValueError(
            f"Unknown audit action {action!r}: add it to partyhub.audit.actions."
        )
    user = user_or_none(actor)
    spans: list[int] = sorted(set(constituency_ids or ()))
    if constituency_id is None and not spans and obj is not None:
        spans = constituency_ids_of(obj)
    if constituency_id is None and spans:
        constituency_id = spans[0]
    entry = AuditEntry.objects.create(
        actor=user,
        actor_repr=str(user) if user is not None else "system",
        action=str(action),
        constituency_id=constituency_id,
        content_type=ContentType.objects.get_for_model(obj)
        if obj is not None
        else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        row_count=row_count,
        detail=detail or {},
    )
    every = set(spans)
    if constituency_id is not None:
        every.add(constituency_id)
    if len(every) > 1:
        entry.constituencies.set(every)
    return entry
