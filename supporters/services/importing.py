"""Importing an existing supporters list (CSV) with the signup form's rules."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Constituency, Person
from members.postcodes import normalise_postcode
from members.services import PostcodeFileError, postcode_lookup, read_text_upload
from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log
from partyhub.comms.consent import consent_record
from partyhub.comms.models import (
    Channel,
    ConsentState,
    Method,
)
from partyhub.csvrows import NumberedReader
from partyhub.personal_data.models import email_hash, suppressed_hashes
from supporters.models import HelpOffer, Supporter
from supporters.services.common import SupportersError, help_offers_for

if TYPE_CHECKING:
    from partyhub.accounts.models import User


# Read in a Celery task row by row (issue 20, finding 6): the web worker's memory no
# longer depends on the file's size. The task holds the rows it plans (a 200,000-row
# list is a few hundred MB in the worker).
IMPORT_MAX_BYTES = 50 * 1024 * 1024
IMPORT_MAX_ROWS = 200_000
_PROGRESS_EVERY = 5000
_REQUIRED = ("first_name", "last_name", "email")
_CONSENT_COLUMNS = {
    "email_consent": Channel.EMAIL,
    "phone_consent": Channel.PHONE,
    "text_consent": Channel.TEXT,
    "post_consent": Channel.POST,
}
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


@dataclass
class ImportRow:
    line: int
    email: str
    first_name: str
    last_name: str
    postcode: str
    phone: str
    offers: list[HelpOffer]
    consents: dict[str, bool]  # channel -> granted; a channel not stated is absent
    wording: str
    person: Person | None = None  # the existing Person, when the email is known


@dataclass
class ImportReport:
    dry_run: bool
    new: list[ImportRow] = field(default_factory=list)
    updated: list[ImportRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    applied: bool = False

    @property
    def row_count(self) -> int:
        return len(self.new) + len(self.updated)


def _header_key(name: str) -> str:
    return "_".join((name or "").strip().lower().replace("-", " ").split())


def _too_large() -> SupportersError:
    return SupportersError(
        _(
            "The file is too large (the limit is %(mb)s MB): split it and import each part."
        )
        % {"mb": IMPORT_MAX_BYTES // (1024 * 1024)}
    )


def _read_rows(
    file: Any, *, progress: Callable[[int], None] | None = None
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The file's (normalised) headers and its rows with their line numbers (as a
    spreadsheet shows them); SupportersError for a file that cannot be read.

    `file` is bytes, or a binary file (the stored upload) read row by row through
    a text stream, never whole; `progress` is told the rows read every few
    thousand rows."""
    if isinstance(file, bytes | bytearray):
        size = len(file)
        empty = not file.strip()
    else:
        size = file.seek(0, io.SEEK_END)
        file.seek(0)
        head = file.read(64 * 1024)
        file.seek(0)
        empty = not head.strip() and size <= len(head)
    if size > IMPORT_MAX_BYTES:
        raise _too_large()
    if empty:
        raise SupportersError(_("The file is empty."))
    try:
        text: IO[str] = read_text_upload(
            bytes(file) if isinstance(file, bytes | bytearray) else file
        )
    except PostcodeFileError as exc:
        raise SupportersError(str(exc)) from exc
    with text:
        return _parse(text, progress, whole=True)


def check_upload_start(upload: Any) -> None:
    """The checks the upload page makes at once from the file's first 64 KB (size,
    empty, not text, the header's columns); SupportersError with the reason. The
    rest is read by the check task."""
    if upload.size > IMPORT_MAX_BYTES:
        raise _too_large()
    upload.seek(0)
    head = upload.read(64 * 1024)
    upload.seek(0)
    if not head.strip() and upload.size <= len(head):
        raise SupportersError(_("The file is empty."))
    # Cut at the last line break, so no character or cell is cut in half.
    if upload.size > len(head) and b"\n" in head:
        head = head[: head.rindex(b"\n") + 1]
    try:
        text = read_text_upload(head)
    except PostcodeFileError as exc:
        raise SupportersError(str(exc)) from exc
    _parse(text, None, whole=False)


def _parse(
    text: IO[str], progress: Callable[[int], None] | None, *, whole: bool
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    try:
        # strict: an unbalanced quote is an error to show, not a cell swallowing
        # the rest of the file.
        reader = NumberedReader(csv.reader(text, strict=True))
        header = next(reader, None)
        if not header or not any(h.strip() for h in header):
            raise SupportersError(_("The file has no header row."))
        keys = [_header_key(h) for h in header]
        missing = [c for c in _REQUIRED if c not in keys]
        if missing:
            raise SupportersError(
                _(
                    "The file needs the columns %(missing)s (found: %(found)s). Is it "
                    "a CSV file with a header row?"
                )
                % {"missing": ", ".join(missing), "found": ", ".join(keys)[:200]}
            )
        rows: list[tuple[int, dict[str, str]]] = []
        if not whole:
            return keys, rows
        for values in reader:
            if len(rows) >= IMPORT_MAX_ROWS:
                raise SupportersError(
                    _("The file has more than %(n)s rows: split it.")
                    % {"n": IMPORT_MAX_ROWS}
                )
            row = dict(zip(keys, (v.strip() for v in values), strict=False))
            rows.append((reader.row_start, row))
            if progress is not None and len(rows) % _PROGRESS_EVERY == 0:
                progress(len(rows))
    except csv.Error as exc:
        raise SupportersError(
            _("Line %(line)d is not valid CSV: %(error)s.")
            % {"line": reader.row_start, "error": exc}
        ) from exc
    return keys, rows


def _plan(
    rows: list[tuple[int, dict[str, str]]],
    *,
    constituency: Constituency,
    wording: str,
) -> ImportReport:
    report = ImportReport(dry_run=True)
    # A CLP's own kind of help wins over a party-wide one with the same short name.
    offers = {
        o.slug: o
        for o in help_offers_for(frozenset({constituency.pk})).order_by(
            F("constituency").asc(nulls_first=True)
        )
    }
    emails = {(r.get("email") or "").strip().lower() for _line, r in rows}
    existing = {
        p.email.lower(): p
        for p in Person.objects.annotate(email_lower=Lower("email")).filter(
            constituency=constituency, email_lower__in=emails - {""}
        )
    }
    # People erased at their own request: an officer decides, not the list.
    erased = suppressed_hashes([email_hash(e) for e in emails - {""}], constituency.pk)
    seen: dict[str, int] = {}
    for line, raw in rows:
        if not any(raw.values()):
            continue  # a blank line in a spreadsheet export
        problems: list[str] = []
        email = (raw.get("email") or "").strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            problems.append(_("“%(v)s” is not an email address") % {"v": email})
        if email in seen:
            problems.append(_("the same email is on line %(n)s") % {"n": seen[email]})
        seen.setdefault(email, line)
        if email and email_hash(email) in erased:
            problems.append(
                _(
                    "this person was erased at their own request: remove the row, "
                    "or ask them first and then remove their entry under Personal "
                    "data → Erased addresses"
                )
            )
        first, last = raw.get("first_name", ""), raw.get("last_name", "")
        if not first or not last:
            problems.append(_("first and last name are needed"))
        postcode = raw.get("postcode", "")
        if postcode:
            try:
                postcode = normalise_postcode(postcode)
            except ValidationError:
                problems.append(_("“%(v)s” is not a UK postcode") % {"v": postcode})
        chosen = []
        for slug in filter(None, (s.strip() for s in raw.get("offers", "").split(";"))):
            if slug in offers:
                chosen.append(offers[slug])
            else:
                problems.append(
                    _("unknown kind of help “%(v)s” (known: %(known)s)")
                    % {"v": slug, "known": ", ".join(sorted(offers))}
                )
        consents: dict[str, bool] = {}
        for column, channel in _CONSENT_COLUMNS.items():
            value = raw.get(column, "").lower()
            if value in _YES:
                consents[channel] = True
            elif value in _NO:
                consents[channel] = False
            elif value:
                problems.append(
                    _("%(col)s must be yes or no, not “%(v)s”")
                    % {"col": column, "v": value}
                )
        row_wording = raw.get("consent_wording", "") or wording
        if any(consents.values()) and not row_wording:
            # Consent without the words the person agreed to is no record at all.
            problems.append(
                _("consent is given but not the wording shown when it was collected")
            )
        if problems:
            report.errors.append((line, "; ".join(problems)))
            continue
        row = ImportRow(
            line=line,
            email=email,
            first_name=first[:100],
            last_name=last[:100],
            postcode=postcode,
            phone=raw.get("phone", "")[:30],
            offers=chosen,
            consents=consents,
            wording=row_wording,
            person=existing.get(email),
        )
        (report.updated if row.person else report.new).append(row)
    return report


def supporters_import(
    *,
    file: Any,
    constituency: Constituency,
    actor: User | None,
    dry_run: bool,
    wording: str = "",
) -> ImportReport:
    """Import an existing supporters list (CSV) into one constituency.

    The same rules as the signup form: consent is taken per row and channel with
    its wording, and a channel not stated is recorded as no consent at all. A dry
    run reports new, updated and rejected rows (with line numbers) and changes
    nothing; applying refuses a file with any error and otherwise writes every row
    or none. Raises SupportersError for a file that cannot be read.
    """
    _keys, rows = _read_rows(file)
    if not rows:
        raise SupportersError(_("The file has a header row but no supporters."))
    report = _plan(rows, constituency=constituency, wording=wording)
    report.dry_run = dry_run
    if dry_run or report.errors:
        return report
    with transaction.atomic():
        _apply(report, constituency=constituency, actor=actor)
        audit_log(
            actor=actor,
            action=AuditAction.SUPPORTER_IMPORT,
            constituency_id=constituency.pk,
            row_count=report.row_count,
            detail={"new": len(report.new), "updated": len(report.updated)},
        )
    report.applied = True
    return report


def _apply(
    report: ImportReport, *, constituency: Constituency, actor: User | None
) -> None:
    today = timezone.localdate()
    for row in [*report.new, *report.updated]:
        person = row.person
        if person is None:
            person = Person(
                first_name=row.first_name,
                last_name=row.last_name,
                email=row.email,
                constituency=constituency,
            )
        # An import fills gaps; it never overwrites what the party already holds.
        if not person.phone and row.phone:
            person.phone = row.phone
        if not person.postcode and row.postcode:
            person.postcode = row.postcode
        placed = False
        if person.postcode and person.ward_id is None:
            found = postcode_lookup(person.postcode)
            if found is not None and found.constituency_id == constituency.pk:
                person.ward_id = found.ward_id
                placed = found.ward_id is not None
        elif person.ward_id:
            placed = True
        person.save()
        # An officer vouches for an imported list (they collected it, with the
        # consent stated per row), so its supporters start confirmed: there is no
        # email to click for people who signed up on paper or on the phone.
        supporter, created = Supporter.objects.get_or_create(
            person=person,
            defaults={
                "constituency": constituency,
                "status": Supporter.Status.CONFIRMED,
                "source": Supporter.Source.IMPORT,
                "joined": today,
                "needs_review": not placed,
            },
        )
        if not created and supporter.status == Supporter.Status.PENDING:
            supporter.status = Supporter.Status.CONFIRMED
            supporter.joined = supporter.joined or today
            supporter.save(update_fields=["status", "joined", "updated"])
        # Somebody who left stays left: an old list must not sign them up again.
        if row.offers:
            supporter.offers.add(*row.offers)
        _import_consents(person=person, row=row, actor=actor)


def _import_consents(*, person: Person, row: ImportRow, actor: User | None) -> None:
    current = {
        s.channel: s
        for s in ConsentState.objects.filter(person=person, topic="").only(
            "channel", "granted", "method"
        )
    }
    for channel, granted in row.consents.items():
        state = current.get(channel)
        if state is not None and state.granted == granted:
            continue  # re-importing the same list appends nothing
        # consent_record refuses an import over consent recorded locally.
        consent_record(
            person=person,
            channel=channel,
            granted=granted,
            method=Method.IMPORT,
            wording=row.wording,
            actor=actor,
        )
