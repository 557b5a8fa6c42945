"""A person's data export, built from the register of personal data.

UK GDPR gives a person everything held about them on request. What is held, and
how each model's rows are exported, erased and merged, is registered by each app
from `AppConfig.ready()` in `partyhub.personal_data` (see its `registry`): the
export is complete by construction. The functions here are the export's building
blocks (kept under their old names):

    register_model_section("supporter", "supporters.Supporter", fields=[...])

registers a model for export with the register's defaults (its rows deleted on
erasure); prefer `partyhub.personal_data.register`, which says how to erase too.

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

from django.utils import timezone

from partyhub.exports import csv_cell
from partyhub.personal_data import registry
from partyhub.personal_data.core import who
from partyhub.personal_data.registry import Column, Row

RowsFn = Callable[[Any], list[Row]]
CountFn = Callable[[Any], int]

__all__ = [
    "ExportSection",
    "export_data",
    "export_row_count",
    "export_sections",
    "export_zip",
    "register_export_section",
    "register_model_section",
    "who",
]


@dataclass(frozen=True)
class ExportSection:
    name: str
    rows: RowsFn
    # How many rows without building them, to decide whether to build in the
    # background; None: the rows are few (a person's own record).
    count: CountFn | None = None


# Sections that are not one model's rows (rare: prefer a register entry).
_EXTRA: dict[str, ExportSection] = {}


def register_export_section(
    name: str, fn: RowsFn, *, count: CountFn | None = None
) -> None:
    """Add (or replace) a section of every person's data export that no register
    entry provides."""
    _EXTRA[name] = ExportSection(name, fn, count)


def export_sections() -> list[ExportSection]:
    """Every exported register entry, then any extra section."""
    sections = [
        ExportSection(entry.section, entry.export_rows, entry.count)
        for entry in sorted(registry.registered_models(), key=lambda e: e.order)
        if entry.exported
    ]
    return sections + list(_EXTRA.values())


def register_model_section(
    name: str,
    model: str,
    *,
    fields: Sequence[Column],
    person_field: str = "person",
    select_related: Sequence[str] = (),
) -> None:
    """Register a model for export (and, by the register's default, deletion on
    erasure). `fields`: attribute paths ("ask.subject"; a choice shows its label),
    or (column, path) pairs, or (column, fn(obj, person)) for anything else.
    """
    registry.register(
        model,
        person_field=person_field,
        export=fields,
        section=name,
        select_related=select_related,
    )


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


# --- communications' own entries (comms registers them from its ready()) -----------


def register_comms_sections() -> None:
    from partyhub.comms.personal_data import register_all

    register_all()
