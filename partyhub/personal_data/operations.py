"""What is done through the register: export, erase, repoint (merge).

These are the mechanisms; the workflows around them (a logged request, an officer's
approval, the Celery task, the merge screen) are in `services`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models, transaction
from django.forms.models import model_to_dict

from partyhub.personal_data.registry import (
    Anonymise,
    Delete,
    Entry,
    Keep,
    Repoint,
    Row,
    registered_models,
)


def _ordered(entries: list[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: e.order)


# --- export --------------------------------------------------------------------------


def export_person(person: Any) -> dict[str, list[Row]]:
    """Every exported section of the register for the person: {section: rows}."""
    return {
        entry.section: entry.export_rows(person)
        for entry in _ordered(registered_models())
        if entry.exported
    }


# --- erasure -------------------------------------------------------------------------


def _erase_entry(entry: Entry, person: Any, keep: Mapping[str, str]) -> Row | None:
    model = entry.model
    action = entry.erase
    if entry.label in keep:
        action = Keep(str(keep[entry.label]))
    own = entry.own_queryset(person)
    rows = 0
    if callable(action):
        rows = action(own, person)
        what = "erased"
        reason = ""
    elif isinstance(action, Delete):
        rows = own.count()
        own.delete()
        what, reason = "deleted", ""
    elif isinstance(action, Anonymise):
        rows = own.update(**action.fields) if action.fields else own.count()
        what, reason = "anonymised", ""
    else:  # Keep
        rows = own.count()
        what, reason = "kept", action.reason
    # Somebody else's row that names the person in passing (a host, an officer who
    # called): the link goes, the row stays.
    for name in entry.person_fields[1:] if entry.rows is None else ():
        fk = model._meta.get_field(name)
        qs = model._base_manager.filter(**{name: person})
        if fk.null:
            rows += qs.update(**{name: None})
        else:
            rows += qs.count()
            qs.delete()
    for name in entry.m2m_fields:
        for obj in model._base_manager.filter(**{name: person}):
            getattr(obj, name).remove(person)
            rows += 1
    if not rows and what != "kept":
        return None
    return {
        "model": entry.label,
        "describe": entry.describe or str(model._meta.verbose_name_plural),
        "action": what,
        "rows": rows,
        "reason": reason,
    }


@transaction.atomic
def erase_person(
    person: Any, *, reason: str = "", keep: Mapping[str, str] | None = None
) -> list[Row]:
    """Erase the person through the register, in one transaction.

    Each model's rows get what its entry says (deleted, anonymised, or kept), unless
    `keep` ({model label: reason}) says an officer decided to keep them. The audit
    trail about the person is shredded first (it is found through the rows), the
    person record and the login last. Running it again does nothing new. Returns
    what was done, one dict per model.
    """
    keep = dict(keep or {})
    done = []
    for entry in _ordered(registered_models()):
        result = _erase_entry(entry, person, keep)
        if result is not None:
            done.append(result)
    return done


# --- merge ---------------------------------------------------------------------------


def _unique_sets(model: type[models.Model], name: str) -> list[tuple[list[str], Any]]:
    """The unique constraints that include field `name`: (other fields, condition)."""
    sets: list[tuple[list[str], Any]] = []
    fk = model._meta.get_field(name)
    if fk.unique:
        sets.append(([], None))
    for together in model._meta.unique_together:
        if name in together:
            sets.append(([f for f in together if f != name], None))
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            if name in constraint.fields:
                sets.append(
                    ([f for f in constraint.fields if f != name], constraint.condition)
                )
    return sets


def _snapshot(obj: models.Model) -> Row:
    data = model_to_dict(obj)
    return {
        key: (
            value if isinstance(value, bool | int | float | str | None) else str(value)
        )
        for key, value in data.items()
    } | {"id": obj.pk}


def _keeper(policy: Repoint, mine: models.Model, theirs: models.Model) -> models.Model:
    """Which of two conflicting rows stays: `theirs` is the survivor's row."""
    if policy.prefer is None:
        return theirs
    how, field_name = policy.prefer
    a, b = getattr(mine, field_name, None), getattr(theirs, field_name, None)
    if a is None or b is None:
        return theirs
    if how == "earliest":
        return mine if a < b else theirs
    return mine if a > b else theirs


def _repoint_field(
    entry: Entry, name: str, source: Any, target: Any, log: list[Row]
) -> int:
    model = entry.model
    policy = entry.repoint if isinstance(entry.repoint, Repoint) else Repoint()
    sets = _unique_sets(model, name)
    moved = 0
    for row in model._base_manager.filter(**{name: source}).order_by("pk"):
        clash = None
        for others, condition in sets:
            lookup = {f: getattr(row, model._meta.get_field(f).attname) for f in others}
            qs = model._base_manager.filter(**lookup, **{name: target})
            if condition is not None:
                if not model._base_manager.filter(condition, pk=row.pk).exists():
                    continue
                qs = qs.filter(condition)
            clash = qs.exclude(pk=row.pk).first()
            if clash is not None:
                break
        if clash is not None:
            keeper = _keeper(policy, row, clash)
            loser = clash if keeper is row else row
            log.append(
                {"model": entry.label, "resolved": "kept one", "removed": _snapshot(loser),
                 "kept_id": keeper.pk}
            )  # fmt: skip
            loser.delete()
            if keeper is clash:
                continue
        model._base_manager.filter(pk=row.pk).update(**{name: target})
        moved += 1
    return moved


@transaction.atomic
def repoint_person(
    source: Any, target: Any, *, log: list[Row] | None = None
) -> list[Row]:
    """Move every registered row of `source` to `target` (a merge of duplicates).

    A row the survivor already has one of (a unique constraint) is resolved by the
    entry's `Repoint.prefer`; the row removed is written whole into `log`. Returns a
    summary per model: {"model", "rows"}; `log` gets the conflicts.
    """
    log = log if log is not None else []
    summary = []
    for entry in _ordered(registered_models()):
        policy = entry.repoint
        if policy is None or (isinstance(policy, Repoint) and policy.stays):
            continue
        if callable(policy):
            moved = policy(source, target, log)
        elif entry.rows is not None and not (entry.person_fields or entry.m2m_fields):
            continue  # follows its parent row (or the login)
        else:
            moved = 0
            for name in entry.person_fields:
                moved += _repoint_field(entry, name, source, target, log)
            for name in entry.m2m_fields:
                for obj in entry.model._base_manager.filter(**{name: source}):
                    getattr(obj, name).remove(source)
                    getattr(obj, name).add(target)
                    moved += 1
            if entry.user_fields and source.user_id and target.user_id:
                for name in entry.user_fields:
                    moved += entry.model._base_manager.filter(
                        **{f"{name}_id": source.user_id}
                    ).update(**{f"{name}_id": target.user_id})
        if moved:
            summary.append({"model": entry.label, "rows": moved})
    return summary
