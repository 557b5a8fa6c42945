"""Writes and workflows for the organisation and its people."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import IO, Any

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction

from members.models import Constituency, Person, Postcode, Ward
from members.postcodes import normalise_postcode
from members.roles import ROLE_PERMISSIONS, group_name
from partyhub.audit.services import audit_log


def office_groups_sync(*, using: str = "default") -> None:
    """Make sure every office role has its group with at least its default permissions.

    Adds, never removes: a regional organiser may have granted more by hand.
    """
    for role, perms in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(
            name=group_name(role)
        )
        wanted = [p.split(".", 1) for p in perms]
        existing = (
            Permission.objects.using(using)
            .filter(
                content_type__app_label__in={app for app, _ in wanted},
                codename__in={code for _, code in wanted},
            )
            .select_related("content_type")
        )
        found = [
            p for p in existing if [p.content_type.app_label, p.codename] in wanted
        ]
        if found:
            group.permissions.add(*found)


def postcode_lookup(postcode: str) -> Postcode | None:
    if not postcode:
        return None
    return Postcode.objects.select_related("ward").filter(postcode=postcode).first()


def person_place(*, person: Person) -> bool:
    """Set a person's constituency and ward from their postcode, when the lookup knows
    it. Returns whether the person was placed. Does not save."""
    found = postcode_lookup(person.postcode)
    if found is None:
        return False
    person.constituency_id = found.constituency_id
    person.ward_id = found.ward_id
    return True


# --- postcode lookup import ------------------------------------------------------

# The ONS Postcode Directory and National Statistics Postcode Lookup name their
# columns pcd/pcd2/pcds, osward (or wdYYcd) and pcon (or pconYYcd).
_POSTCODE_COLUMNS = ("pcds", "pcd2", "pcd", "postcode")
_WARD_COLUMN = re.compile(r"^(osward|wd\d{2}cd)$")
_CONSTITUENCY_COLUMN = re.compile(r"^(pcon|pcon\d{2}cd)$")


class PostcodeFileError(ValueError):
    """The file cannot be read as a postcode lookup; nothing was loaded."""


@dataclass
class PostcodeLoadReport:
    rows: int = 0
    loaded: int = 0
    skipped_other_areas: int = 0
    invalid: list[tuple[int, str]] = field(default_factory=list)
    people_placed: int = 0


def _find_columns(header: list[str]) -> tuple[int, int | None, int | None]:
    names = [h.strip().lower() for h in header]
    postcode = next((names.index(c) for c in _POSTCODE_COLUMNS if c in names), None)
    ward = next((i for i, n in enumerate(names) if _WARD_COLUMN.match(n)), None)
    constituency = next(
        (i for i, n in enumerate(names) if _CONSTITUENCY_COLUMN.match(n)), None
    )
    if postcode is None:
        raise PostcodeFileError(
            "No postcode column: expected one of pcds, pcd2, pcd or postcode."
        )
    if ward is None and constituency is None:
        raise PostcodeFileError(
            "No ward or constituency column: expected osward (or wdYYcd) and pcon "
            "(or pconYYcd)."
        )
    return postcode, ward, constituency


@transaction.atomic
def postcodes_load(
    *,
    file: IO[str],
    actor: Any,
    constituency_ids: frozenset[int] | None = None,
) -> PostcodeLoadReport:
    """Load an ONS-layout postcode-to-ward CSV, keeping only the rows for wards and
    constituencies partyhub knows (and, for an officer, only their own). Whole or
    not at all; people with a known postcode and no ward are placed afterwards."""
    reader = csv.reader(file)
    try:
        header = next(reader)
    except StopIteration:
        raise PostcodeFileError("The file is empty.") from None
    pc_col, ward_col, con_col = _find_columns(header)

    wards = {
        w.ons_code: w
        for w in Ward.objects.exclude(ons_code=None).for_constituency_ids(
            constituency_ids
        )
    }
    constituencies = {
        c.ons_code: c
        for c in Constituency.objects.exclude(ons_code=None).for_constituency_ids(
            constituency_ids
        )
    }
    report = PostcodeLoadReport()
    rows: dict[str, Postcode] = {}
    for line_no, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        report.rows += 1
        try:
            postcode = normalise_postcode(row[pc_col])
        except (ValidationError, IndexError):
            report.invalid.append((line_no, row[pc_col] if len(row) > pc_col else ""))
            continue
        ward = (
            wards.get(row[ward_col].strip())
            if ward_col is not None and len(row) > ward_col
            else None
        )
        constituency = ward.constituency if ward else None
        if constituency is None and con_col is not None and len(row) > con_col:
            constituency = constituencies.get(row[con_col].strip())
        if constituency is None:
            report.skipped_other_areas += 1
            continue
        rows[postcode] = Postcode(
            postcode=postcode, ward=ward, constituency=constituency
        )

    Postcode.objects.bulk_create(
        rows.values(),
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["postcode"],
        update_fields=["ward", "constituency"],
    )
    report.loaded = len(rows)
    report.people_placed = people_place_by_postcode(postcodes=list(rows))
    audit_log(
        actor=actor,
        action="postcode.load",
        constituency_id=next(iter(constituency_ids))
        if constituency_ids and len(constituency_ids) == 1
        else None,
        row_count=report.loaded,
        detail={
            "rows": report.rows,
            "invalid": len(report.invalid),
            "people_placed": report.people_placed,
        },
    )
    return report


def people_place_by_postcode(*, postcodes: list[str]) -> int:
    """Place people who have one of these postcodes but no ward yet."""
    placed = 0
    lookup = {p.postcode: p for p in Postcode.objects.filter(postcode__in=postcodes)}
    people = Person.objects.filter(postcode__in=list(lookup), ward__isnull=True)
    for person in people:
        found = lookup[person.postcode]
        person.constituency_id = found.constituency_id
        person.ward_id = found.ward_id
        placed += 1
        person.save(update_fields=["constituency", "ward", "updated"])
    return placed


def read_text_upload(data: bytes) -> io.StringIO:
    """Decode an uploaded CSV: UTF-8 (with or without BOM), else Windows-1252."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return io.StringIO(data.decode(encoding), newline="")
        except UnicodeDecodeError:
            continue
    raise PostcodeFileError("The file is not text in UTF-8 or Windows-1252.")
