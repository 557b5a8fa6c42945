"""`model_update`: the one way a service changes fields of a record.

In the style of the HackSoft styleguide: the service says which fields may change,
`model_update` applies only real changes, validates, saves those columns, and
returns what changed as {field: (old, new)} so the service can audit it and run
its follow-ups (re-plan a rota when the team's day moved, promote the waiting
list when an event's capacity grew)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models

from partyhub.errors import DomainError

_M = TypeVar("_M", bound=models.Model)

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
        if isinstance(field, models.ForeignKey) and not isinstance(new, models.Model):
            setattr(instance, attname, new)  # a key given as its id
        else:
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


# What a write did besides its own fields, for the person who asked: the admin
# shows each note as a message (INFO, SUCCESS or WARNING), a view may too.
INFO, SUCCESS, WARNING = 20, 25, 30


@dataclass
class Written:
    """The result of a service's create or update: the record, what changed
    ({field: (old, new)}), and notes on the follow-ups it ran."""

    instance: Any
    changed: Changes = field(default_factory=dict)
    notes: list[tuple[int, str]] = field(default_factory=list)

    def note(self, text: str, level: int = INFO) -> None:
        self.notes.append((level, str(text)))


def form_changes(form: Any) -> dict[str, Any]:
    """The fields a model form changed, as `changes` for an `_update` service
    (many-to-many fields are left to the form's save_m2m)."""
    model = form._meta.model
    out: dict[str, Any] = {}
    for name in form.changed_data:
        if name not in form.cleaned_data:
            continue
        names = {f.name for f in model._meta.get_fields()}
        if name not in names:
            continue  # a form-only field
        f = model._meta.get_field(name)
        if f.many_to_many or not f.concrete:
            continue
        out[name] = form.cleaned_data[name]
    return out


def stored(instance: _M) -> _M:
    """The record as the database holds it (a form has already set its new
    values on `instance`), so `model_update` sees the old values."""
    return type(instance)._base_manager.get(pk=instance.pk)


def adopt(instance: Any, saved: _M) -> _M:
    """Make the admin's unsaved form `instance` the record a service saved (its id
    and every column as stored), so the admin's history and redirect find it.
    Returns `saved`."""
    for column in saved._meta.concrete_fields:
        setattr(instance, column.attname, getattr(saved, column.attname))
    instance._state.adding = False
    return saved
