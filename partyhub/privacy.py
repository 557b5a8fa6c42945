"""A person's data export: the sections each app contributes, and the zip.

UK GDPR gives a person everything held about them on request. The machinery does
not know the apps: each app registers its sections from `AppConfig.ready()`:

    register_export_section("memberships", membership_rows)            # fn(person)
    register_model_section("supporter", "supporters.Supporter", fields=[...])

A section returns a list of flat dicts (one per row). It must hold only that
person's data: other people appear as "an officer" or "you", never by name (see
`who`).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext as _

from partyhub.exports import csv_cell

Row = dict[str, Any]
RowsFn = Callable[[Any], list[Row]]
CountFn = Callable[[Any], int]


@dataclass(frozen=True)
class ExportSection:
    name: str
    rows: RowsFn
    # How many rows without building them, to decide whether to build in the
    # background; None: the rows are few (a person's own record).
    count: CountFn | None = None


_SECTIONS: dict[str, ExportSection] = {}


def register_export_section(
    name: str, fn: RowsFn, *, count: CountFn | None = None
) -> None:
    """Add (or replace) a section of every person's data export."""
    _SECTIONS[name] = ExportSection(name, fn, count)


def export_sections() -> list[ExportSection]:
    return list(_SECTIONS.values())


def who(field: str) -> Callable[[Any, Any], str]:
    """A column naming who did something without naming anybody else."""

    def label(obj: Any, person: Any) -> str:
        user_id = getattr(obj, f"{field}_id", None)
        if user_id is None:
            return ""
        if person.user_id is not None and user_id == person.user_id:
            return _("you")
        return _("an officer")

    return label


Column = str | tuple[str, str | Callable[[Any, Any], Any]]


def _resolve(obj: Any, path: str) -> Any:
    for part in path.split("."):
        if obj is None:
            return None
        display = getattr(obj, f"get_{part}_display", None)
        obj = display() if callable(display) else getattr(obj, part, None)
    return obj


def register_model_section(
    name: str,
    model: str,
    *,
    fields: Sequence[Column],
    person_field: str = "person",
    select_related: Sequence[str] = (),
) -> None:
    """Register a section made of one model's rows about the person.

    `fields`: attribute paths ("ask.subject"; a choice shows its label), or
    (column, path) pairs, or (column, fn(obj, person)) for anything else.
    """

    def queryset(person: Any):
        model_class = apps.get_model(model)
        return model_class._base_manager.filter(**{person_field: person}).order_by("pk")

    def rows(person: Any) -> list[Row]:
        result = []
        for obj in queryset(person).select_related(*select_related):
            row: Row = {}
            for column in fields:
                key, how = (column, column) if isinstance(column, str) else column
                row[key.replace(".", "_")] = (
                    how(obj, person) if callable(how) else _resolve(obj, how)
                )
            result.append(row)
        return result

    register_export_section(name, rows, count=lambda person: queryset(person).count())


# --- building the export ------------------------------------------------------------


def export_row_count(person: Any) -> int:
    return sum(s.count(person) for s in export_sections() if s.count is not None)


def export_data(person: Any) -> dict[str, list[Row]]:
    return {section.name: section.rows(person) for section in export_sections()}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return (
            timezone.localtime(value).isoformat()
            if timezone.is_aware(value)
            else value.isoformat()
        )
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return ", ".join(str(_plain(v)) for v in value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def export_zip(person: Any) -> bytes:
    """data.json plus one CSV per section, as the bytes of a zip file."""
    data = {
        name: [{k: _plain(v) for k, v in row.items()} for row in rows]
        for name, rows in export_data(person).items()
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json",
            json.dumps(
                {"generated": timezone.now().isoformat(), "sections": data},
                indent=2,
                ensure_ascii=False,
            ),
        )
        for name, rows in data.items():
            text = io.StringIO()
            columns: list[str] = []
            for row in rows:
                columns.extend(k for k in row if k not in columns)
            writer = csv.DictWriter(text, fieldnames=columns or ["none"])
            writer.writeheader()
            writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in rows)
            archive.writestr(f"{name}.csv", text.getvalue())
    return buffer.getvalue()


# --- communications' own sections (comms registers them from its ready()) ------------


def _delivery_subject(delivery: Any, person: Any) -> str:
    if delivery.message_id:
        return delivery.message.subject
    return delivery.reminder.kind if delivery.reminder_id else ""


def register_comms_sections() -> None:
    register_model_section(
        "consents",
        "comms.ConsentEvent",
        fields=[
            "at",
            "channel",
            "topic",
            ("granted", "granted"),
            ("how", "method"),
            ("wording_shown", "wording"),
            ("recorded_by", who("recorded_by")),
        ],
    )
    register_model_section(
        "deliveries",
        "comms.Delivery",
        fields=[
            ("subject", _delivery_subject),
            ("sent_to", "to_email"),
            "status",
            "sent_at",
            "created",
        ],
        select_related=["message", "reminder"],
    )
