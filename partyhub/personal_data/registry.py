"""The register of personal data: every model that holds data about a Person.

UK GDPR art. 30 asks a controller to know what it holds; arts. 15–17 to give it
out, correct and erase it. One register answers all of them. Each app registers
its models from `AppConfig.ready()`:

    register(
        "events.Booking",
        person_fields=("person", "host"),     # FKs to members.Person
        user_fields=("checked_in_by",),       # FKs to the login of an officer
        export=["status", ("event", "event.title")],   # or fn(person) -> rows
        erase=KEEP(_("Attendance counts must stay right")),  # DELETE / Anonymise()
        repoint=Repoint(prefer=("earliest", "created")),  # merge: unique conflicts
        retention_category="events",
        describe=_("Bookings on events"),
    )

The first of `person_fields` says whose row it is; the others (a host, an officer
who forwarded a report) are nulled on erasure when they can be. A model related
only through another (a survey answer through its response) names `rows=fn(person)`
returning a queryset. `registered_models()` lists the entries; a test fails if a
model with a ForeignKey to Person or to the login is not among them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models

Row = dict[str, Any]
Column = str | tuple[str, str | Callable[[Any, Any], Any]]


# --- what erasure does to a model's rows ---------------------------------------------


@dataclass(frozen=True)
class Delete:
    """The rows only make sense with the person: delete them."""

    kind: str = "delete"


@dataclass(frozen=True)
class Anonymise:
    """Keep the rows (counts, history) but blank what identifies the person.

    `fields` maps a field name to its new value ("" for text, None for nullable).
    """

    fields: dict[str, Any] = field(default_factory=dict)
    kind: str = "anonymise"


@dataclass(frozen=True)
class Keep:
    """Kept as they are, for the reason given (the law needs them, or they hold
    nothing about the person once the person record is anonymised)."""

    reason: str = ""
    kind: str = "keep"


DELETE = Delete()


def KEEP(reason: Any) -> Keep:  # noqa: N802 — reads as a constant at call sites
    return Keep(str(reason))


EraseFn = Callable[[models.QuerySet, Any], int]


# --- what a merge does -------------------------------------------------------------


@dataclass(frozen=True)
class Repoint:
    """Move the rows to the surviving person.

    When the survivor already has a row that a unique constraint says there can be
    only one of (two signatures of one petition), one of the two is kept: `prefer`
    ("earliest", field) or ("latest", field), else the survivor's. The other row is
    written whole into the merge record, then deleted: resolved, never lost.
    """

    prefer: tuple[str, str] | None = None
    # The rows stay with the merged-away record (a closed login's own addresses).
    stays: bool = False


STAYS = Repoint(stays=True)


RepointFn = Callable[[Any, Any, list[Row]], int]


# --- the entry ---------------------------------------------------------------------


@dataclass
class Entry:
    label: str
    person_fields: tuple[str, ...] = ()
    user_fields: tuple[str, ...] = ()
    m2m_fields: tuple[str, ...] = ()
    rows: Callable[[Any], models.QuerySet] | None = None
    export: Sequence[Column] | Callable[[Any], list[Row]] | None = None
    section: str = ""
    select_related: tuple[str, ...] = ()
    erase: Delete | Anonymise | Keep | EraseFn = DELETE
    repoint: Repoint | RepointFn | None = field(default_factory=Repoint)
    retention_category: str = ""
    describe: str = ""
    # fn(person) -> [TimelineEntry] (see `timeline`), or NO_TIMELINE(reason).
    timeline: Callable[[Any], list[Any]] | Any | None = None
    # Erasure runs in this order: the audit trail first (found through the rows),
    # the person record and the login last.
    order: int = 0

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.label)

    def queryset(self, person: Any) -> models.QuerySet:
        """This person's rows, whichever person or login field points at them."""
        manager = self.model._base_manager
        if self.rows is not None:
            return self.rows(person)
        condition = models.Q(pk__in=[])
        for name in (*self.person_fields, *self.m2m_fields):
            condition |= models.Q(**{name: person})
        if self.user_fields and getattr(person, "user_id", None):
            for name in self.user_fields:
                condition |= models.Q(**{f"{name}_id": person.user_id})
        qs = manager.filter(condition)
        if self.m2m_fields:
            qs = manager.filter(pk__in=qs.values("pk"))
        return qs

    def own_queryset(self, person: Any) -> models.QuerySet:
        """The rows that are the person's own (the first person field, or `rows`)."""
        if self.rows is not None:
            return self.rows(person)
        manager = self.model._base_manager
        if self.person_fields:
            return manager.filter(**{self.person_fields[0]: person})
        if self.m2m_fields:
            inner = manager.filter(**{self.m2m_fields[0]: person}).values("pk")
            return manager.filter(pk__in=inner)
        return manager.none()

    @property
    def exported(self) -> bool:
        return self.export is not None

    def export_rows(self, person: Any) -> list[Row]:
        if self.export is None:
            return []
        if callable(self.export):
            return self.export(person)
        result = []
        qs = self.own_queryset(person).select_related(*self.select_related)
        qs = qs.order_by("pk")
        for obj in qs:
            row: Row = {}
            for column in self.export:
                key, how = (column, column) if isinstance(column, str) else column
                row[key.replace(".", "_")] = (
                    how(obj, person) if callable(how) else resolve(obj, how)
                )
            result.append(row)
        return result

    def count(self, person: Any) -> int:
        return self.own_queryset(person).count()


def resolve(obj: Any, path: str) -> Any:
    for part in path.split("."):
        if obj is None:
            return None
        display = getattr(obj, f"get_{part}_display", None)
        obj = display() if callable(display) else getattr(obj, part, None)
    return obj


_REGISTER: dict[str, Entry] = {}


def register(
    model: str,
    *,
    person_field: str | None = None,
    person_fields: Sequence[str] = (),
    user_fields: Sequence[str] = (),
    m2m_fields: Sequence[str] = (),
    rows: Callable[[Any], models.QuerySet] | None = None,
    export: Sequence[Column] | Callable[[Any], list[Row]] | None = None,
    section: str = "",
    select_related: Sequence[str] = (),
    erase: Delete | Anonymise | Keep | EraseFn = DELETE,
    repoint: Repoint | RepointFn | None = None,
    retention_category: str = "",
    describe: Any = "",
    timeline: Callable[[Any], list[Any]] | Any | None = None,
    order: int = 0,
) -> Entry:
    """Register (or replace) what `model` ("app_label.ModelName") holds about people.

    `repoint=None` means the default `Repoint()`; models found only through `rows`
    (no field of their own to move) follow their parent and are not repointed.
    """
    fields = tuple(person_fields) or ((person_field,) if person_field else ())
    label = apps.get_model(model)._meta.label
    entry = Entry(
        label=label,
        person_fields=fields,
        user_fields=tuple(user_fields),
        m2m_fields=tuple(m2m_fields),
        rows=rows,
        export=export,
        section=section or (label.split(".")[1].lower() if export is not None else ""),
        select_related=tuple(select_related),
        erase=erase,
        repoint=repoint if repoint is not None else Repoint(),
        retention_category=retention_category,
        describe=str(describe),
        timeline=timeline,
        order=order,
    )
    _REGISTER[label] = entry
    return entry


def registered_models() -> list[Entry]:
    return list(_REGISTER.values())


def entry_for(model: type[models.Model] | str) -> Entry | None:
    label = model if isinstance(model, str) else model._meta.label
    return _REGISTER.get(label)


def rows_for_person(person: Any) -> dict[str, models.QuerySet]:
    """Every registered model's rows about the person, by model label."""
    return {entry.label: entry.queryset(person) for entry in registered_models()}
