"""Importing the electoral register, per polling district.

A full file replaces the district's register: electors whose number is not in it
are deleted, those in it are brought up to date, new ones added. A monthly update
file lists changes: A (an addition), D (a deletion), M (a change). Either way the
whole file is checked first and applied in one transaction, or refused with the
line numbers of what is wrong. Rows are written in bulk: 20,000 electors import in
seconds (bench/canvassing_import.py).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from canvassing.models import (
    Elector,
    Household,
    PollingDistrict,
    RegisterImport,
    Street,
)
from partyhub.audit.services import audit_log
from partyhub.csvrows import NumberedReader
from partyhub.errors import DomainError
from partyhub.updates import audit_detail, model_update

MAX_BYTES = 20 * 1024 * 1024

# Column headers as electoral services send them, lower-cased without spaces,
# dots, dashes or underscores.
ALIASES: dict[str, tuple[str, ...]] = {
    "number": ("electornumber", "elector", "electorno", "number", "eno", "pdno"),
    "first_name": ("firstname", "firstnames", "forename", "forenames", "givenname"),
    "last_name": ("surname", "lastname", "familyname"),
    "markers": ("markers", "marker", "franchise", "franchiseflag", "flags"),
    "postal": ("postalvoter", "postal", "absentvoter", "av"),
    "postcode": ("postcode", "postalcode"),
    "change": ("change", "status", "changetype", "type", "action"),
}
ADDRESS_PREFIXES = ("address", "addressline", "add", "addr")
CHANGE_CODES = {
    "a": "add",
    "add": "add",
    "addition": "add",
    "n": "add",
    "d": "delete",
    "delete": "delete",
    "deletion": "delete",
    "e": "delete",
    "m": "change",
    "change": "change",
    "amend": "change",
    "amendment": "change",
}
POSTAL_MARKERS = {"a", "p", "pv", "av", "postal"}
_NUMBER = re.compile(
    r"^\s*(?:[A-Z]{1,4}\d{0,2}\s*-\s*|[A-Z]{1,4}\s*)?(\d{1,7})(?:\s*[/.]\s*(\d{1,3}))?\s*$"
)
_HOUSE = re.compile(r"^\s*(\d+)\s*[A-Za-z]?\b[\s,]*(.*)$")


class RegisterFileError(DomainError):
    """The file cannot be imported; `problems` are (line, text)."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        shown = "; ".join(f"line {line}: {text}" for line, text in problems[:10])
        more = len(problems) - 10
        message = _("Nothing was imported. %(problems)s") % {"problems": shown}
        if more > 0:
            message += " " + _("(and %(n)s more)") % {"n": more}
        super().__init__(message)


@dataclass
class Row:
    line: int
    number: str
    number_sort: int
    first_name: str
    last_name: str
    address_lines: list[str]
    postcode: str
    markers: str
    postal: bool
    change: str = ""


@dataclass
class Address:
    street: str
    house_number: int | None
    text: str
    key: str
    postcode: str


@dataclass
class Report:
    added: int = 0
    changed: int = 0
    deleted: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)


def normalise_number(raw: str) -> tuple[str, int] | None:
    """'AB1-0042/1' or '42/1' → ('42/1', 42); None when it is not a number."""
    match = _NUMBER.match(raw.upper())
    if not match:
        return None
    main, suffix = int(match.group(1)), match.group(2)
    return (f"{main}/{int(suffix)}" if suffix else str(main)), main


def parse_address(lines: list[str], postcode: str) -> Address:
    """The street and house number from an address: the first line that starts
    with a number names both ("Flat 2", "10 High Street" → 10, High Street)."""
    cleaned = [" ".join(line.split()) for line in lines if line.strip()]
    street, number = "", None
    for line in cleaned:
        match = _HOUSE.match(line)
        if match and match.group(2):
            number, street = int(match.group(1)), match.group(2).strip(" ,")
            break
    if not street:
        street = cleaned[1] if len(cleaned) > 1 else (cleaned[0] if cleaned else "")
    text = ", ".join(cleaned)
    pc = " ".join(postcode.upper().split())
    key = (text.lower() + "|" + pc.replace(" ", ""))[:400]
    return Address(
        # Registers often come in capitals: "HIGH STREET" reads as "High Street".
        street=(street.title() if street.isupper() else street)[:200]
        or _("(no street)"),
        house_number=number,
        text=text[:400],
        key=key,
        postcode=pc[:10],
    )


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError(_("The file is not text (CSV) that can be read."))


def _key(header: str) -> str:
    return re.sub(r"[\s._\-]", "", header.strip().lower())


def read_rows(data: bytes, *, update: bool) -> tuple[list[Row], list[tuple[int, str]]]:
    if len(data) > MAX_BYTES:
        raise DomainError(_("The file is larger than 20 MB: split it by district."))
    reader = NumberedReader(csv.reader(io.StringIO(_decode(data))))
    try:
        header = next(reader)
    except StopIteration as exc:
        raise DomainError(_("The file is empty.")) from exc
    keys = [_key(h) for h in header]
    columns: dict[str, int] = {}
    for name, aliases in ALIASES.items():
        for i, k in enumerate(keys):
            if k in aliases:
                columns.setdefault(name, i)
    address_columns = [
        i
        for i, k in enumerate(keys)
        if any(k.startswith(p) and k[len(p) :].isdigit() for p in ADDRESS_PREFIXES)
    ]
    missing = [n for n in ("number", "last_name") if n not in columns]
    if update and "change" not in columns:
        missing.append("change")
    if missing:
        raise DomainError(
            _(
                "The file has no column for: %(missing)s. The first line must name the "
                "columns (elector number, surname, first names, address 1…, postcode, "
                "markers; and change for an update file)."
            )
            % {"missing": ", ".join(missing)}
        )
    rows: list[Row] = []
    problems: list[tuple[int, str]] = []

    def cell(values: list[str], name: str) -> str:
        i = columns.get(name)
        return values[i].strip() if i is not None and i < len(values) else ""

    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            line = reader.row_start
            parsed = normalise_number(cell(values, "number"))
            if parsed is None:
                problems.append(
                    (line, _("the elector number is missing or not a number"))
                )
                continue
            change = ""
            if update:
                change = CHANGE_CODES.get(cell(values, "change").lower(), "")
                if not change:
                    problems.append((line, _("the change must be A, D or M")))
                    continue
            markers = cell(values, "markers")
            postal_cell = cell(values, "postal").lower()
            postal = postal_cell in ("y", "yes", "true", "1", *POSTAL_MARKERS) or bool(
                {m.strip().lower() for m in re.split(r"[\s,;]+", markers)}
                & POSTAL_MARKERS
            )
            last_name = cell(values, "last_name")
            address = [values[i].strip() for i in address_columns if i < len(values)]
            if change != "delete":
                if not last_name:
                    problems.append((line, _("the surname is missing")))
                    continue
                if not any(address):
                    problems.append((line, _("the address is missing")))
                    continue
            rows.append(
                Row(
                    line=line,
                    number=parsed[0],
                    number_sort=parsed[1],
                    first_name=cell(values, "first_name")[:120],
                    last_name=last_name[:120],
                    address_lines=address,
                    postcode=cell(values, "postcode")[:10],
                    markers=markers[:40],
                    postal=postal,
                    change=change,
                )
            )
    except csv.Error as exc:
        problems.append((reader.row_start, _("the file is not valid CSV (%s)") % exc))
    seen: dict[str, int] = {}
    for row in rows:
        if row.number in seen:
            problems.append(
                (
                    row.line,
                    _("elector number %(n)s is also on line %(other)s")
                    % {"n": row.number, "other": seen[row.number]},
                )
            )
        seen[row.number] = row.line
    return rows, problems


class _Places:
    """Streets and households of one district, made in bulk as they are needed."""

    def __init__(self, district: PollingDistrict) -> None:
        self.district = district
        self.streets = {s.name: s for s in district.streets.all()}
        self.households = {
            (h.street_id, h.key): h
            for h in Household.objects.filter(street__district=district)
        }

    def resolve(self, rows: Iterable[Row]) -> dict[int, Household]:
        addresses = {
            row.line: parse_address(row.address_lines, row.postcode) for row in rows
        }
        new_streets = [
            Street(district=self.district, name=name)
            for name in {a.street for a in addresses.values()} - set(self.streets)
        ]
        for street in Street.objects.bulk_create(new_streets):
            self.streets[street.name] = street
        wanted: dict[tuple[int, str], Household] = {}
        for a in addresses.values():
            street = self.streets[a.street]
            if (street.pk, a.key) not in self.households:
                wanted[(street.pk, a.key)] = Household(
                    street=street,
                    key=a.key,
                    house_number=a.house_number,
                    address=a.text,
                    postcode=a.postcode,
                )
        for household in Household.objects.bulk_create(list(wanted.values())):
            self.households[(household.street_id, household.key)] = household
        out: dict[int, Household] = {}
        for row in rows:
            a = addresses[row.line]
            out[row.line] = self.households[(self.streets[a.street].pk, a.key)]
        return out


_FIELDS = (
    "first_name",
    "last_name",
    "markers",
    "postal_voter",
    "household_id",
    "number_sort",
)


def _values(row: Row, household: Household) -> dict[str, Any]:
    return {
        "first_name": row.first_name,
        "last_name": row.last_name,
        "markers": row.markers,
        "postal_voter": row.postal,
        "household_id": household.pk,
        "number_sort": row.number_sort,
    }


def _upsert(
    district: PollingDistrict,
    rows: list[Row],
    places: _Places,
    existing: dict[str, Elector],
    report: Report,
) -> None:
    households = places.resolve(rows)
    to_create, to_update = [], []
    for row in rows:
        values = _values(row, households[row.line])
        elector = existing.get(row.number)
        if elector is None:
            to_create.append(Elector(district=district, number=row.number, **values))
        elif any(getattr(elector, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(elector, k, v)
            to_update.append(elector)
    Elector.objects.bulk_create(to_create, batch_size=2000)
    Elector.objects.bulk_update(to_update, _FIELDS, batch_size=2000)
    report.added += len(to_create)
    report.changed += len(to_update)


def _delete_numbers(district: PollingDistrict, numbers: Iterable[str]) -> int:
    numbers = list(numbers)
    deleted = 0
    for start in range(0, len(numbers), 5000):
        chunk = numbers[start : start + 5000]
        deleted += (
            Elector.objects.filter(district=district, number__in=chunk)
            .delete()[1]
            .get("canvassing.Elector", 0)
        )
    return deleted


def _prune_places(district: PollingDistrict) -> None:
    Household.objects.filter(street__district=district, electors__isnull=True).delete()
    Street.objects.filter(district=district, households__isnull=True).delete()


@transaction.atomic
def register_import(
    *,
    district: PollingDistrict,
    data: bytes,
    update: bool,
    actor: Any,
    file_name: str = "",
) -> RegisterImport:
    """Import a full register (update=False) or a monthly update file for one
    district. All or nothing; audited with the counts."""
    PollingDistrict.objects.select_for_update().filter(pk=district.pk).first()
    rows, problems = read_rows(data, update=update)
    existing = {e.number: e for e in Elector.objects.filter(district=district)}
    report = Report()
    if update:
        for row in rows:
            if row.change == "delete" and row.number not in existing:
                problems.append(
                    (
                        row.line,
                        _("elector %s to delete is not on the register") % row.number,
                    )
                )
            if row.change == "add" and row.number in existing:
                problems.append(
                    (
                        row.line,
                        _("elector %s to add is already on the register") % row.number,
                    )
                )
            if row.change == "change" and row.number not in existing:
                problems.append(
                    (
                        row.line,
                        _("elector %s to change is not on the register") % row.number,
                    )
                )
    elif not rows and not problems:
        problems.append((2, _("the file lists no electors")))
    if problems:
        raise RegisterFileError(sorted(problems))
    places = _Places(district)
    if update:
        deletions = [r.number for r in rows if r.change == "delete"]
        report.deleted = _delete_numbers(district, deletions)
        _upsert(
            district,
            [r for r in rows if r.change != "delete"],
            places,
            existing,
            report,
        )
    else:
        in_file = {r.number for r in rows}
        report.deleted = _delete_numbers(district, set(existing) - in_file)
        _upsert(district, rows, places, existing, report)
        district.imported_at = timezone.now()
        district.save(update_fields=["imported_at"])
    _prune_places(district)
    run = RegisterImport.objects.create(
        district=district,
        kind=RegisterImport.Kind.UPDATE if update else RegisterImport.Kind.FULL,
        file_name=file_name[:200],
        added=report.added,
        changed=report.changed,
        deleted=report.deleted,
        imported_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_log(
        actor=actor,
        action="canvassing.register_imported",
        obj=run,
        constituency_id=district.constituency_id,
        detail={
            "district": district.code,
            "kind": run.kind,
            "added": run.added,
            "changed": run.changed,
            "deleted": run.deleted,
        },
    )
    return run


@transaction.atomic
def district_for_import(
    *, constituency_id: int, code: str, name: str, ward: Any, actor: Any
) -> PollingDistrict:
    """The polling district a file is for: made on its first import; its name and
    ward set or changed when given (audited with old and new values)."""
    district, created = PollingDistrict.objects.get_or_create(
        constituency_id=constituency_id, code=code.strip().upper()
    )
    changes: dict[str, Any] = {}
    if name:
        changes["name"] = name
    if ward is not None:
        if ward.constituency_id != constituency_id:
            raise DomainError(_("That ward is not in this constituency."))
        changes["ward"] = ward
    changed = model_update(instance=district, changes=changes, fields=("name", "ward"))
    if created or changed:
        audit_log(
            actor=actor,
            action="canvassing.district_added"
            if created
            else "canvassing.district_changed",
            obj=district,
            detail=audit_detail(changed),
        )
    return district


@transaction.atomic
def district_delete(*, district: PollingDistrict, actor: Any, reason: str = "") -> None:
    """Delete a district's register (its electors, their returns and walks)."""
    count = district.electors.count()
    audit_log(
        actor=actor,
        action="canvassing.district_deleted",
        constituency_id=district.constituency_id,
        row_count=count,
        detail={"district": district.code, "reason": reason},
    )
    district.delete()


@transaction.atomic
def register_delete(*, constituency_id: int, actor: Any, reason: str = "") -> int:
    """Delete the CLP's whole register. Returns the number of electors deleted."""
    total = 0
    for district in PollingDistrict.objects.filter(constituency_id=constituency_id):
        total += district.electors.count()
        district_delete(district=district, actor=actor, reason=reason)
    return total
