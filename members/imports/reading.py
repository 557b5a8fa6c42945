"""Reading the national membership export: headers, encodings, values.

The national register's exports have changed their column names over the years
and officers sometimes pass them through a spreadsheet first, so headers are
matched by meaning (aliases, ignoring case, spaces and punctuation), not by
exact name.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from members.models import Membership
from members.postcodes import normalise_postcode
from members.services import PostcodeFileError, read_text_upload
from partyhub.csvrows import NumberedReader
from partyhub.errors import DomainError

_PROGRESS_EVERY = 5000

# field -> the header names it goes by (compared after _header_key()).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "membership_number": (
        "membership number",
        "membership no",
        "membership num",
        "member number",
        "member no",
        "member id",
        "membership id",
        "membershipno",
        "membership_no",
        "membership_number",
        "number",
    ),
    "first_name": (
        "forename",
        "forenames",
        "first name",
        "firstname",
        "first_name",
        "given name",
    ),
    "last_name": ("surname", "last name", "lastname", "last_name", "family name"),
    "email": ("email", "email address", "e-mail", "e-mail address", "emailaddress"),
    "address_line_1": (
        "address1",
        "address 1",
        "address line 1",
        "address_line_1",
        "address",
        "street",
    ),
    "address_line_2": ("address2", "address 2", "address line 2", "address_line_2"),
    "town": ("town", "city", "address3", "address 3", "post town", "town/city"),
    "postcode": ("post code", "postcode", "postal code", "post_code", "zip"),
    "status": ("status", "membership status", "member status"),
    "joined": ("join date", "joined", "date joined", "joined on", "joining date"),
    "expires": (
        "expiry date",
        "expiry",
        "expires",
        "paid up until",
        "paid until",
        "paid up to",
        "renewal date",
        "membership expiry",
    ),
    "branch": ("branch", "branch name", "clp branch"),
    "ward": ("ward", "ward name", "electoral ward"),
    "phone": ("phone", "telephone", "home phone", "landline", "tel", "phone number"),
    "mobile": ("mobile", "mobile phone", "mobile number", "cell"),
    "trade_union": ("trade union", "union", "affiliated union", "trade_union"),
}
REQUIRED = ("membership_number", "first_name", "last_name", "status", "joined")

STATUS_ALIASES: dict[str, str] = {
    "current": Membership.Status.CURRENT,
    "active": Membership.Status.CURRENT,
    "member": Membership.Status.CURRENT,
    "good standing": Membership.Status.CURRENT,
    "in good standing": Membership.Status.CURRENT,
    "paid": Membership.Status.CURRENT,
    "arrears": Membership.Status.ARREARS,
    "in arrears": Membership.Status.ARREARS,
    "lapsing": Membership.Status.ARREARS,
    "lapsed": Membership.Status.LAPSED,
    "expired": Membership.Status.LAPSED,
    "resigned": Membership.Status.RESIGNED,
    "left": Membership.Status.RESIGNED,
    "cancelled": Membership.Status.RESIGNED,
}
_DATE_FORMATS = (
    "%d/%m/%Y",
    "%Y-%m-%d",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d/%m/%y",
    "%d %b %Y",
    "%d %B %Y",
    "%Y/%m/%d",
)

_LIMITS = {
    "membership_number": 20,
    "first_name": 100,
    "last_name": 100,
    "email": 254,
    "phone": 30,
    "mobile": 30,
    "address_line_1": 200,
    "address_line_2": 200,
    "town": 100,
    "trade_union": 120,
    "branch": 120,
    "ward": 120,
}


class ImportFileError(DomainError):
    """The file as a whole cannot be imported; nothing was changed."""


@dataclass
class ParsedFile:
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # fields found, in file order


def max_bytes() -> int:
    return int(settings.MEMBER_IMPORT_MAX_BYTES)


def _header_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", (name or "").lower())


_ALIAS_INDEX = {
    _header_key(alias): name
    for name, aliases in HEADER_ALIASES.items()
    for alias in aliases
}


def map_headers(header: list[str]) -> dict[int, str]:
    """Column index -> field, for the columns we know (the first of duplicates)."""
    mapping: dict[int, str] = {}
    for index, name in enumerate(header):
        found = _ALIAS_INDEX.get(_header_key(name))
        if found and found not in mapping.values():
            mapping[index] = found
    return mapping


_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_date(value: str) -> datetime.date:
    # The two usual layouts without strptime (a third of a large file's parsing).
    if match := _DMY.match(value):
        day, month, year = match.groups()
        return datetime.date(int(year), int(month), int(day))
    if match := _ISO.match(value):
        year, month, day = match.groups()
        return datetime.date(int(year), int(month), int(day))
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, fmt).date()  # noqa: DTZ007
        except ValueError:
            continue
    raise ValueError(value)


def _clean_row(raw: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    values: dict[str, Any] = {}
    problems: list[str] = []
    for name, value in raw.items():
        limit = _LIMITS.get(name)
        if limit and len(value) > limit:
            problems.append(
                _("%(field)s is longer than %(n)s characters")
                % {"field": name.replace("_", " "), "n": limit}
            )
            continue
        values[name] = value
    number = values.get("membership_number", "").upper().replace(" ", "")
    if not number:
        problems.append(_("no membership number"))
    values["membership_number"] = number
    for name in ("first_name", "last_name"):
        if not values.get(name):
            problems.append(_("no %(field)s") % {"field": name.replace("_", " ")})
    status = values.get("status", "")
    key = " ".join(status.lower().replace("_", " ").split())
    if key in STATUS_ALIASES:
        values["status"] = str(STATUS_ALIASES[key])
    else:
        problems.append(
            _(
                "unknown status %(status)r (expected current, arrears, lapsed or resigned)"
            )
            % {"status": status}
        )
    for name in ("joined", "expires"):
        value = values.get(name, "")
        if not value:
            values[name] = None
            if name == "joined":
                problems.append(_("no join date"))
            continue
        try:
            values[name] = parse_date(value)
        except ValueError:
            problems.append(
                _("%(field)s %(value)r is not a date (use dd/mm/yyyy)")
                % {
                    "field": _("join date") if name == "joined" else _("expiry date"),
                    "value": value,
                }
            )
    email = values.get("email", "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(_("%(value)r is not an email address") % {"value": email})
    postcode = values.get("postcode", "")
    if postcode:
        try:
            values["postcode"] = normalise_postcode(postcode)
        except ValidationError:
            problems.append(_("%(value)r is not a UK postcode") % {"value": postcode})
    return values, problems


def _check_size_and_text(data: bytes | IO[bytes]) -> IO[str]:
    limit = max_bytes()
    if isinstance(data, bytes | bytearray):
        size = len(data)
        empty = not data.strip()
    else:
        size = data.seek(0, io.SEEK_END)
        data.seek(0)
        head = data.read(64 * 1024)
        empty = not head.strip() and (size <= len(head) or not data.read().strip())
        data.seek(0)
    if size > limit:
        raise ImportFileError(
            _("The file is too large (the limit is %(mb)s MB).")
            % {"mb": limit // (1024 * 1024)}
        )
    if empty:
        raise ImportFileError(_("The file is empty."))
    try:
        return read_text_upload(data)
    except PostcodeFileError as exc:
        raise ImportFileError(str(exc)) from exc


def _read_header(reader: Any) -> dict[int, str]:
    """The header row's column mapping; ImportFileError when required columns are
    missing."""
    header = next((row for row in reader if "".join(row).strip()), None)
    if header is None:
        raise ImportFileError(_("The file is empty."))
    mapping = map_headers(header)
    missing = [name for name in REQUIRED if name not in mapping.values()]
    if missing:
        found = ", ".join(h.strip()[:30] for h in header[:12])
        raise ImportFileError(
            _(
                "Required columns are missing: %(missing)s. The first line "
                "has: %(found)s. Is this the national membership export, "
                "saved as CSV?"
            )
            % {
                "missing": ", ".join(
                    HEADER_ALIASES[name][0].capitalize() for name in missing
                ),
                "found": found or _("nothing"),
            }
        )
    return mapping


def check_upload_start(upload: Any) -> None:
    """The checks an upload page can make at once from the file's first 64 KB
    (size, empty, binary, a header with the required columns); ImportFileError
    with the reason. The rest is read later, row by row, by the check task."""
    limit = max_bytes()
    if upload.size > limit:
        raise ImportFileError(
            _("The file is too large (the limit is %(mb)s MB).")
            % {"mb": limit // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(64 * 1024)
    upload.seek(0)
    if not head.strip() and upload.size <= len(head):
        raise ImportFileError(_("The file is empty."))
    # Cut at the last line break, so no character or cell is cut in half.
    if upload.size > len(head) and b"\n" in head:
        head = head[: head.rindex(b"\n") + 1]
    try:
        text = read_text_upload(head)
    except PostcodeFileError as exc:
        raise ImportFileError(str(exc)) from exc
    reader = NumberedReader(csv.reader(text, strict=True))
    try:
        _read_header(reader)
    except csv.Error as exc:
        raise ImportFileError(
            _("Line %(line)d is not valid CSV: %(error)s.")
            % {"line": reader.row_start, "error": exc}
        ) from None


def read_export(
    data: bytes | IO[bytes], *, progress: Callable[[int], None] | None = None
) -> ParsedFile:
    """Parse the export. ImportFileError for a file that cannot be imported at all;
    row problems are collected with their line numbers (as a spreadsheet shows
    them).

    `data` is the file's bytes, or a binary file (the stored upload), which is read
    row by row and never held whole in memory. `progress` is told the number of
    rows read every few thousand rows."""
    # Closing the text stream closes a file passed in: the caller is done with it.
    with _check_size_and_text(data) as text:
        return _parse(text, progress)


def _parse(text: IO[str], progress: Callable[[int], None] | None) -> ParsedFile:
    parsed = ParsedFile()
    # strict: an unbalanced quote is an error to show, not a row swallowing the
    # rest of the file.
    reader = NumberedReader(csv.reader(text, strict=True))
    try:
        mapping = _read_header(reader)
        parsed.columns = [mapping[i] for i in sorted(mapping)]
        seen: dict[str, int] = {}
        for row in reader:
            if not "".join(row).strip():
                continue
            line = reader.row_start
            raw = {
                name: row[index].strip() if index < len(row) else ""
                for index, name in mapping.items()
            }
            values, problems = _clean_row(raw)
            number = values["membership_number"]
            if number:
                if number in seen:
                    problems.append(
                        _("membership number %(number)s is also on line %(line)s")
                        % {"number": number, "line": seen[number]}
                    )
                else:
                    seen[number] = line
            if problems:
                parsed.errors.append((line, "; ".join(problems)))
            else:
                parsed.rows.append((line, values))
            if progress is not None:
                count = len(parsed.rows) + len(parsed.errors)
                if count % _PROGRESS_EVERY == 0:
                    progress(count)
    except csv.Error as exc:
        raise ImportFileError(
            _("Line %(line)d is not valid CSV: %(error)s.")
            % {"line": reader.row_start, "error": exc}
        ) from None
    if not parsed.rows and not parsed.errors:
        raise ImportFileError(_("The file has a header but no rows."))
    return parsed
