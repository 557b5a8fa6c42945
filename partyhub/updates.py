"""`model_update`: the one way a service changes fields of a record.

In the style of the HackSoft styleguide: the service says which fields may change,
`model_update` applies only real changes, validates, saves those columns, and
returns what changed as {field: (old, new)} so the service can audit it and run
its follow-ups (re-plan a rota when the team's day moved, promote the waiting
list when an event's capacity grew)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from partyhub.errors import DomainError

Changes = dict[str, tuple[Any, Any]]


def _plain(value: Any) -> Any:
    """A value as the audit log keeps it (JSON-friendly)."""
    if isinstance(value, models.Model):
        return value.pk
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def model_update(
    *,
    instance: models.Model,
    changes: Mapping[str, Any],
    fields: Iterable[str],
    validate: bool = True,
) -> Changes:
    """Set `changes` on `instance` (only names in `fields`), validate and save the
    changed columns. Returns {field: (old, new)} of what really changed (empty when
    nothing did, and then nothing is saved)."""
    allowed = set(fields)
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise DomainError(f"These fields cannot be changed here: {', '.join(unknown)}.")
    changed: Changes = {}
    for name, new in changes.items():
        field = instance._meta.get_field(name)
        attname = field.attname if isinstance(field, models.ForeignKey) else name
        old = getattr(instance, attname)
        if isinstance(field, models.ForeignKey) and isinstance(new, models.Model):
            new_stored: Any = new.pk
        else:
            new_stored = new
        if old == new_stored:
            continue
        setattr(instance, name, new)
        changed[name] = (old, new_stored)
    if not changed:
        return changed
    if validate:
        unchanged = [f.name for f in instance._meta.fields if f.name not in changed]
        instance.full_clean(exclude=unchanged)
    update_fields = list(changed)
    if any(f.name == "updated_at" for f in instance._meta.fields):
        update_fields.append("updated_at")
    instance.save(update_fields=update_fields)
    return changed


def audit_detail(changed: Changes) -> dict[str, Any]:
    """The audit entry's detail for a set of changes: old and new per field."""
    return {
        "changes": {
            name: {"old": _plain(old), "new": _plain(new)}
            for name, (old, new) in changed.items()
        }
    }
