"""The Telephone Preference Service: numbers we may not ring.

PECR forbids unsolicited marketing calls, campaigning calls included, to numbers
on the TPS unless the person told us they are happy to be called. A CLP uploads
the list as the TPS supplies it (a text file of numbers, one a line, or that file
zipped); every path that hands out numbers to ring checks it: the phone bank when
a list is built and when numbers are handed to a caller, and every CSV export with
a phone column (the number is left blank and the row says why).

Numbers are compared in E.164 (+441214960000), whatever way they were typed.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log
from partyhub.dataprotection.models import TpsNumber, TpsUpload
from partyhub.errors import DomainError
from partyhub.locks import hold

if TYPE_CHECKING:
    from partyhub.accounts.models import User


MAX_UPLOAD_BYTES = 50 * 1024 * 1024
_BATCH = 5000
_NOT_DIGITS = re.compile(r"[^\d+]")


class TpsFileError(DomainError):
    """The file cannot be read as a TPS list: nothing was changed."""


def normalise_phone(text: str) -> str | None:
    """A phone number in E.164, or None when it is not one.

    UK numbers in any usual form (0121 496 0000, +44 (0)121 496 0000,
    0044 121 496 0000, and 1214960000 as some files list them without the 0) become
    +441214960000; another country's number keeps its own code.
    """
    raw = _NOT_DIGITS.sub("", text or "")
    if raw.startswith("+"):
        digits = raw[1:].replace("+", "")
        if digits.startswith("440"):
            digits = "44" + digits[3:]
        return f"+{digits}" if 8 <= len(digits) <= 15 else None
    digits = raw.replace("+", "")
    if digits.startswith("00"):
        return normalise_phone("+" + digits[2:])
    if digits.startswith("44") and len(digits) in (11, 12):
        return normalise_phone("+" + digits)
    if digits.startswith("0"):
        national = digits[1:]
    else:
        national = digits
    if len(national) in (9, 10) and not national.startswith("0"):
        return f"+44{national}"
    return None


@dataclass
class TpsFile:
    numbers: set[str] = field(default_factory=set)
    rejected_lines: list[int] = field(default_factory=list)


def _lines(data: bytes) -> Iterable[str]:
    if data[:4] == b"PK\x03\x04":
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            names = [n for n in archive.namelist() if not n.endswith("/")]
        except zipfile.BadZipFile as exc:
            raise TpsFileError(_("The zip file is damaged.")) from exc
        if len(names) != 1:
            raise TpsFileError(
                _("The zip file should hold exactly one file of numbers.")
            )
        data = archive.read(names[0])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text.splitlines()


def tps_file_read(data: bytes) -> TpsFile:
    """Numbers from a TPS file: the first field of each line (a header line or a
    blank one is passed over; anything else that is not a number is reported)."""
    result = TpsFile()
    for line_no, line in enumerate(_lines(data), start=1):
        first = re.split(r"[,;\t|]", line.strip(), maxsplit=1)[0].strip().strip('"')
        if not first or not re.search(r"\d", first):
            continue  # blank, or a heading such as "Telephone Number"
        number = normalise_phone(first)
        if number is None:
            result.rejected_lines.append(line_no)
        else:
            result.numbers.add(number)
    if not result.numbers:
        raise TpsFileError(
            _("No telephone numbers were found in this file: is it the TPS list?")
        )
    return result


def _call_lists_prune(constituency: Any) -> int:
    """Take not-yet-rung entries whose numbers are now on the list off the CLP's
    open and draft call lists."""
    from django.apps import apps

    entry_model = apps.get_model("campaigns", "CallListEntry")
    entries = list(
        entry_model.objects.filter(
            call_list__constituency=constituency,
            call_list__status__in=["draft", "open"],
            outcome="",
        ).values_list("pk", "person_id", "phone")
    )
    check = TpsCheck((constituency.pk, person, phone) for _, person, phone in entries)
    blocked = [
        pk
        for pk, person, phone in entries
        if check.blocked(constituency.pk, person, phone)
    ]
    for start in range(0, len(blocked), _BATCH):
        entry_model.objects.filter(pk__in=blocked[start : start + _BATCH]).delete()
    return len(blocked)


def _insert_numbers(constituency_id: int, numbers: list[str]) -> None:
    if connection.vendor == "postgresql":
        # One statement for the whole list: an area's file has hundreds of
        # thousands of numbers, and the officer is waiting on the page.
        table = TpsNumber._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (constituency_id, number) "  # noqa: S608
                "SELECT %s, unnest(%s::varchar[])",
                [constituency_id, numbers],
            )
        return
    for start in range(0, len(numbers), _BATCH):
        TpsNumber.objects.bulk_create(
            TpsNumber(constituency_id=constituency_id, number=n)
            for n in numbers[start : start + _BATCH]
        )


@transaction.atomic
def tps_list_upload(
    *, constituency: Any, data: bytes, file_name: str, actor: User | None
) -> TpsUpload:
    """Replace the CLP's TPS list with the numbers in `data`, whole or not at all."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise TpsFileError(
            _("The file is larger than %(mb)s MB: upload your area's numbers only.")
            % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    parsed = tps_file_read(data)
    # One upload at a time per CLP, so two at once do not interleave their numbers.
    hold(f"tps-upload:{constituency.pk}")
    TpsNumber.objects.filter(constituency=constituency).delete()
    numbers = sorted(parsed.numbers)
    _insert_numbers(constituency.pk, numbers)
    upload = TpsUpload.objects.create(
        constituency=constituency,
        file_name=file_name[:200],
        sha256=hashlib.sha256(data).hexdigest(),
        numbers=len(numbers),
        rejected=len(parsed.rejected_lines),
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    upload.removed_from_call_lists = _call_lists_prune(constituency)
    upload.save(update_fields=["removed_from_call_lists"])
    audit_log(
        actor=actor,
        action=AuditAction.TPS_UPLOAD,
        obj=upload,
        constituency_id=constituency.pk,
        row_count=len(numbers),
        detail={
            "rejected_lines": parsed.rejected_lines[:50],
            "removed_from_call_lists": upload.removed_from_call_lists,
        },
    )
    return upload


class TpsCheck:
    """Which of a batch of (constituency id, person id, number) may not be rung:
    the number is on that CLP's TPS list and the person has not said yes to phone
    calls. Two queries for the whole batch, whatever its size (in chunks)."""

    def __init__(self, rows: Iterable[tuple[int | None, int | None, str]]) -> None:
        from partyhub.comms.models import Channel, ConsentState

        wanted: dict[int, set[str]] = {}
        people: set[int] = set()
        for constituency_id, person_id, number in rows:
            e164 = normalise_phone(number) if number else None
            if constituency_id is None or e164 is None:
                continue
            wanted.setdefault(constituency_id, set()).add(e164)
            if person_id is not None:
                people.add(person_id)
        self._listed: set[tuple[int, str]] = set()
        for constituency_id, numbers in wanted.items():
            ordered = sorted(numbers)
            for start in range(0, len(ordered), _BATCH):
                self._listed.update(
                    (constituency_id, n)
                    for n in TpsNumber.objects.filter(
                        constituency_id=constituency_id,
                        number__in=ordered[start : start + _BATCH],
                    ).values_list("number", flat=True)
                )
        self._consented: set[int] = set()
        if self._listed and people:
            ordered_people = sorted(people)
            for start in range(0, len(ordered_people), _BATCH):
                self._consented.update(
                    ConsentState.objects.filter(
                        person_id__in=ordered_people[start : start + _BATCH],
                        channel=Channel.PHONE,
                        topic="",
                        granted=True,
                    ).values_list("person_id", flat=True)
                )

    def blocked(
        self, constituency_id: int | None, person_id: int | None, number: str
    ) -> bool:
        if not number or constituency_id is None:
            return False
        e164 = normalise_phone(number)
        if e164 is None or (constituency_id, e164) not in self._listed:
            return False
        return person_id not in self._consented


TPS_NOTE = "on the TPS list: do not call"
