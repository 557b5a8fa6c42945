"""Import of the national membership export: preview (a dry run), then apply.

How an import treats local data (the rule officers are told on the import page):

- Memberships are matched by membership number; a number new to partyhub makes
  a membership, for the Person with the same email in the constituency when there
  is one (a supporter who joins stays the same Person), else a new Person.
- Status, join date and paid-up date come from the national register: the import
  sets them. A status change records the date (status since) and, for a lapsed
  or resigned member who is current again, the date they rejoined.
- A person's name, email, phone, mobile and address are changed only when the
  national value changed since the last import (each membership keeps the values
  the last import gave, MembershipImportState). A member's portal edit or an
  officer's correction therefore stands until the national register says
  something new. The first import of a person already known here only fills in
  what is blank. A blank national value never erases a local one.
- Consent (the comms ledger), officers' notes and everything else held only
  locally are never touched.

Speed: 100,000 rows in one transaction. Rows are read in batches; each batch costs
one query for its memberships (with their person and last imported values), one
for the emails it mentions and one for its postcodes; writes are bulk_create /
bulk_update in batches. django-import-export would load and save row by row.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import hashlib
import os
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from members.imports.reading import ImportFileError, ParsedFile, read_export
from members.models import (
    Branch,
    Constituency,
    ImportRun,
    Membership,
    MembershipImportState,
    Person,
    Postcode,
    Ward,
)
from members.services import membership_signals_on_commit, membership_status_changes
from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log
from partyhub.errors import DomainError
from partyhub.locks import hold
from partyhub.personal_data.models import (
    email_hash,
    membership_number_hash,
    suppressed_hashes,
)
from partyhub.queueing import enqueue_on_commit
from partyhub.ratelimit import CACHE_UNAVAILABLE

if TYPE_CHECKING:
    from partyhub.accounts.models import User


__all__ = [
    "ImportApplyError",
    "ImportFileError",
    "import_progress",
    "membership_import_apply",
    "membership_import_apply_queued",
    "membership_import_apply_request",
    "membership_import_check",
    "membership_import_preview",
    "membership_import_upload",
    "membership_imports_requeue",
    "stored_file_path",
]

PERSON_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "mobile",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
)
_BATCH = 2000
# What planning reads of a membership and its person (model instances are the
# cost of a 100,000-row re-import: load no more than is compared).
_MEMBERSHIP_LOAD = (
    "pk",
    "membership_number",
    "constituency_id",
    "branch_id",
    "status",
    "joined",
    "expires",
    "status_since",
    "rejoined_on",
    "trade_union",
    "person_id",
    "person__constituency_id",
    "person__ward_id",
    *(f"person__{name}" for name in PERSON_FIELDS),
    "import_state__values",
)


@dataclass(slots=True)
class _KnownPerson:
    """An existing person as planning reads it: plain attributes from one
    values_list() query. Model instances cost three times as much, and a weekly
    re-import of 100,000 members changes a few hundred."""

    pk: int
    constituency_id: int
    ward_id: int | None
    first_name: str
    last_name: str
    email: str
    phone: str
    mobile: str
    address_line_1: str
    address_line_2: str
    town: str
    postcode: str


@dataclass(slots=True)
class _KnownImportState:
    values: dict[str, Any]


@dataclass(slots=True)
class _KnownMembership:
    """An existing membership as planning reads it (see _KnownPerson)."""

    pk: int
    membership_number: str
    constituency_id: int
    branch_id: int | None
    status: str
    joined: datetime.date | None
    expires: datetime.date | None
    status_since: datetime.date | None
    rejoined_on: datetime.date | None
    trade_union: str
    person_id: int
    person: _KnownPerson
    import_state: _KnownImportState | None


def _known(values: tuple[Any, ...]) -> _KnownMembership:
    fields = dict(zip(_MEMBERSHIP_LOAD, values, strict=True))
    person = _KnownPerson(
        pk=fields["person_id"],
        constituency_id=fields["person__constituency_id"],
        ward_id=fields["person__ward_id"],
        **{name: fields[f"person__{name}"] for name in PERSON_FIELDS},
    )
    state = fields["import_state__values"]
    return _KnownMembership(
        **{k: v for k, v in fields.items() if "__" not in k},
        person=person,
        import_state=_KnownImportState(values=state) if state is not None else None,
    )


_KEEP_SECONDS = 24 * 3600
_CHUNK = 1024 * 1024
# The run's report keeps at most this many entries per category (the counts are
# always complete): enough to check a weekly file line by line.
REPORT_LIMIT = 20_000
_LAPSED = (Membership.Status.LAPSED, Membership.Status.RESIGNED)


class ImportApplyError(DomainError):
    """The run cannot be applied; nothing was changed."""


@dataclass
class _Row:
    line: int
    number: str
    name: str
    kind: str  # new, changed, unchanged
    # A new row holds model instances; an existing one what planning read of it.
    person: Any  # Person, or a _KnownPerson
    membership: Any  # Membership, or a _KnownMembership
    new_person: bool = False
    person_changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    membership_changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    state: dict[str, Any] | None = None  # None: the stored values are current


@dataclass
class _Plan:
    rows: list[_Row] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    # Rows of people erased at their request: not imported, for an officer to
    # decide (partyhub.personal_data). Line and number only, never the name.
    held: list[tuple[int, str]] = field(default_factory=list)
    total: int = 0
    # Names to show for the ids of ward and branch changes.
    labels: dict[str, dict[int, str]] = field(default_factory=dict)

    def of_kind(self, kind: str) -> list[_Row]:
        return [r for r in self.rows if r.kind == kind]

    def flagged(self, flag: str) -> list[_Row]:
        return [r for r in self.rows if flag in r.flags]

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.total,
            "new": len(self.of_kind("new")),
            "changed": len(self.of_kind("changed")),
            "unchanged": len(self.of_kind("unchanged")),
            "arrears": len(self.flagged("arrears")),
            "lapsed": len(self.flagged("lapsed")),
            "rejoined": len(self.flagged("rejoined")),
            "errors": len(self.errors),
            "held": len(self.held),
        }

    def report(self) -> dict[str, Any]:
        def brief(row: _Row) -> dict[str, Any]:
            return {"line": row.line, "number": row.number, "name": row.name}

        def label(name: str, value: Any) -> str:
            if name in self.labels and value is not None:
                return self.labels[name].get(value, str(value))
            choices = _choice_labels(name)
            if value in choices:
                return str(choices[value])  # "Lapsed", as officers read it
            return _show(value)

        def changes(row: _Row) -> dict[str, Any]:
            fields = {**row.person_changes, **row.membership_changes}
            return {
                **brief(row),
                # name -> [before, after, the field's name as officers know it]
                "fields": {
                    k: [label(k, a), label(k, b), _field_label(k)]
                    for k, (a, b) in fields.items()
                },
            }

        return {
            "new": [brief(r) for r in self.of_kind("new")[:REPORT_LIMIT]],
            "changed": [changes(r) for r in self.of_kind("changed")[:REPORT_LIMIT]],
            "arrears": [brief(r) for r in self.flagged("arrears")[:REPORT_LIMIT]],
            "lapsed": [brief(r) for r in self.flagged("lapsed")[:REPORT_LIMIT]],
            "rejoined": [brief(r) for r in self.flagged("rejoined")[:REPORT_LIMIT]],
            "errors": [list(e) for e in self.errors[:REPORT_LIMIT]],
            "held": [
                {"line": line, "number": number}
                for line, number in self.held[:REPORT_LIMIT]
            ],
        }


def _field_label(name: str) -> str:
    for model in (Person, Membership):
        try:
            return str(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            continue
    return name


@functools.cache
def _choice_labels(name: str) -> dict[Any, Any]:
    """A choice field's stored values -> their (lazy, translated) labels."""
    for model in (Person, Membership):
        try:
            return dict(model._meta.get_field(name).flatchoices)
        except FieldDoesNotExist:
            continue
    return {}


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


# --- planning ----------------------------------------------------------------------


class _Context:
    """What every batch needs to know about the constituency, read once."""

    def __init__(self, constituency: Constituency) -> None:
        self.constituency = constituency
        self.today = timezone.localdate()
        wards = list(Ward.objects.filter(constituency=constituency))
        self.ward_by_name = {w.name.lower(): w.pk for w in wards}
        self.labels: dict[str, dict[int, str]] = {
            "ward": {w.pk: w.name for w in wards},
            "branch": {},
        }
        self.branch_by_name: dict[str, int] = {}
        self.branch_of_ward: dict[int, int] = {}
        for branch in Branch.objects.filter(constituency=constituency).prefetch_related(
            "wards"
        ):
            self.branch_by_name[branch.name.lower()] = branch.pk
            self.labels["branch"][branch.pk] = branch.name
            for ward in branch.wards.all():
                self.branch_of_ward.setdefault(ward.pk, branch.pk)
        self.other_names = dict(Constituency.objects.values_list("pk", "name"))
        # Emails claimed so far in this file: email -> (line, person key).
        self.emails: dict[str, tuple[int, Any]] = {}


def _plan(parsed: ParsedFile, constituency: Constituency) -> _Plan:
    plan = _Plan(errors=list(parsed.errors))
    plan.total = len(parsed.rows) + len(parsed.errors)
    context = _Context(constituency)
    plan.labels = context.labels
    columns = set(parsed.columns)
    for start in range(0, len(parsed.rows), _BATCH):
        _plan_batch(parsed.rows[start : start + _BATCH], columns, context, plan)
    plan.errors.sort()
    return plan


def _plan_batch(
    batch: list[tuple[int, dict[str, Any]]],
    columns: set[str],
    context: _Context,
    plan: _Plan,
) -> None:
    numbers = [values["membership_number"] for _line, values in batch]
    existing = {
        m.membership_number: m
        for m in map(
            _known,
            Membership.objects.filter(membership_number__in=numbers)
            .order_by()
            .values_list(*_MEMBERSHIP_LOAD),
        )
    }
    # Only emails that could attach a row to someone else: new memberships', and
    # those that differ from the member's own (a re-import asks about none).
    emails = set()
    for _line, values in batch:
        email = values.get("email", "").lower()
        if not email:
            continue
        known = existing.get(values["membership_number"])
        if known is None or known.person.email.lower() != email:
            emails.add(email)
    people_by_email: dict[str, Person] = {}
    if emails:
        for person in (
            Person.objects.annotate(email_lower=Lower("email"))
            .filter(constituency=context.constituency, email_lower__in=emails)
            .order_by("pk")
        ):
            people_by_email.setdefault(person.email_lower, person)
    postcodes = {values["postcode"] for _l, values in batch if values.get("postcode")}
    lookup = {
        postcode: (constituency_id, ward_id)
        for postcode, constituency_id, ward_id in Postcode.objects.filter(
            postcode__in=postcodes
        ).values_list("postcode", "constituency_id", "ward_id")
    }
    held = _erased_in(batch, context.constituency.pk)
    for line, values in batch:
        if line in held:
            plan.held.append((line, values["membership_number"]))
            continue
        try:
            row = _plan_row(
                line, values, columns, context, existing, people_by_email, lookup
            )
        except _RowError as exc:
            plan.errors.append((line, str(exc)))
            continue
        plan.rows.append(row)


class _RowError(ValueError):
    pass


def _erased_in(batch: list[tuple[int, dict[str, Any]]], constituency_id: int) -> set:
    """Lines of people erased at their request (by email or membership number): a
    national list must not bring them back unasked."""
    keys: dict[int, list[str]] = {
        line: [membership_number_hash(values["membership_number"])]
        + ([email_hash(values["email"])] if values.get("email") else [])
        for line, values in batch
    }
    found = suppressed_hashes([h for hs in keys.values() for h in hs], constituency_id)
    return {line for line, hashes in keys.items() if found.intersection(hashes)}


def _plan_row(
    line: int,
    values: dict[str, Any],
    columns: set[str],
    context: _Context,
    existing: dict[str, Any],  # _KnownMembership, or Membership once planned
    people_by_email: dict[str, Person],
    lookup: dict[str, tuple[int, int | None]],
) -> _Row:
    constituency = context.constituency
    number = values["membership_number"]
    national = {f: values.get(f, "") for f in PERSON_FIELDS if f in columns}
    membership = existing.get(number)
    if membership is not None and membership.constituency_id != constituency.pk:
        raise _RowError(
            _("membership %(number)s belongs to another constituency")
            % {"number": number}
        )
    name = f"{values['first_name']} {values['last_name']}"

    if membership is None:
        email = national.get("email", "").lower()
        person = people_by_email.get(email) if email else None
        new_person = person is None
        if new_person:
            person = Person(constituency=constituency, **national)
        membership = Membership(
            membership_number=number,
            constituency=constituency,
            person=person,
            status=values["status"],
            joined=values["joined"],
            expires=values.get("expires"),
            status_since=values["joined"],
            trade_union=values.get("trade_union", ""),
        )
        row = _Row(line, number, name, "new", person, membership, new_person)
        if not new_person:
            _person_changes(row, national, last=None)
    else:
        person = membership.person
        row = _Row(line, number, name, "unchanged", person, membership)
        state = getattr(membership, "import_state", None)
        _person_changes(row, national, last=state.values if state else None)
        _membership_changes(row, values, columns, context, state)

    _check_email(row, national, people_by_email, context)
    _place(row, values, context, lookup)
    if row.kind != "new" and (row.person_changes or row.membership_changes):
        row.kind = "changed"

    snapshot = {f: _json(v) for f, v in national.items()}
    if "trade_union" in columns:
        snapshot["trade_union"] = values.get("trade_union", "")
    if row.kind == "new":
        row.state = snapshot
    else:
        state = getattr(row.membership, "import_state", None)
        if state is None or state.values != snapshot:
            row.state = snapshot
    return row


def _person_changes(
    row: _Row, national: dict[str, str], *, last: dict[str, Any] | None
) -> None:
    person = row.person
    for name, new in national.items():
        if not new:
            continue  # a blank national value never erases a local one
        old = getattr(person, name)
        if old == new:
            continue
        if last is None:
            # First import of someone known here: fill in what is missing only.
            if old:
                continue
        elif last.get(name) == new:
            continue  # unchanged nationally: the local edit stands
        row.person_changes[name] = (old, new)


def _membership_changes(
    row: _Row,
    values: dict[str, Any],
    columns: set[str],
    context: _Context,
    state: MembershipImportState | None,
) -> None:
    membership = row.membership
    changes = row.membership_changes
    old_status, new_status = membership.status, values["status"]
    if old_status != new_status:
        # The same rule as an officer's edit (members.services.membership_update).
        follow, flags = membership_status_changes(
            membership=membership, new_status=new_status, today=context.today
        )
        changes["status"] = (old_status, new_status)
        changes.update(follow)
        row.flags.update(flags)
    if membership.joined != values["joined"]:
        changes["joined"] = (membership.joined, values["joined"])
    if "expires" in columns and values.get("expires") != membership.expires:
        if values.get("expires") is not None:
            changes["expires"] = (membership.expires, values["expires"])
    if "trade_union" in columns:
        new = values.get("trade_union", "")
        last = state.values.get("trade_union") if state else None
        if new and new != membership.trade_union and last != new:
            changes["trade_union"] = (membership.trade_union, new)


def _check_email(
    row: _Row,
    national: dict[str, str],
    people_by_email: dict[str, Person],
    context: _Context,
) -> None:
    """One email is one Person in a constituency (a database constraint): a row
    that would give a person an email another person has is an error."""
    if row.kind == "new" and row.new_person:
        email = national.get("email", "")
    elif "email" in row.person_changes:
        email = row.person_changes["email"][1]
    elif row.kind == "new":
        email = row.person.email
    else:
        return
    if not email:
        return
    key = email.lower()
    owner = people_by_email.get(key)
    if owner is not None and owner is not row.person and owner.pk != row.person.pk:
        raise _RowError(
            _("the email %(email)s belongs to another person here (%(name)s)")
            % {"email": email, "name": owner.full_name}
        )
    # Claimed per membership: two rows of the file with one email would make
    # one Person of two members.
    claimed = context.emails.get(key)
    if claimed is not None and claimed[1] != row.number:
        raise _RowError(
            _(
                "the email %(email)s is also on line %(line)s for another member: "
                "one email belongs to one person"
            )
            % {"email": email, "line": claimed[0]}
        )
    context.emails[key] = (row.line, row.number)


def _place(
    row: _Row,
    values: dict[str, Any],
    context: _Context,
    lookup: dict[str, tuple[int, int | None]],
) -> None:
    """Ward (and so branch) from the postcode lookup, for new people and people
    whose postcode changed; a postcode in another constituency is an error."""
    person = row.person
    placing = row.new_person or "postcode" in row.person_changes
    if placing:
        postcode = values.get("postcode", "")
        found = lookup.get(postcode)
        ward_id = None
        if found is not None:
            constituency_id, ward_id = found
            if constituency_id != context.constituency.pk:
                raise _RowError(
                    _("the postcode %(postcode)s is in %(other)s, not here")
                    % {
                        "postcode": postcode,
                        "other": context.other_names.get(constituency_id, "?"),
                    }
                )
        elif values.get("ward"):
            ward_id = context.ward_by_name.get(values["ward"].lower())
        if row.new_person:
            person.ward_id = ward_id
        elif ward_id != person.ward_id:
            # A postcode the lookup does not know leaves the person unplaced, for
            # an officer to check, rather than in the ward of their old address.
            row.person_changes["ward"] = (person.ward_id, ward_id)
    # The branch: the one the file names, else the ward's, for a new membership,
    # one without a branch, or a member whose ward changed. An officer's choice
    # of branch otherwise stands.
    membership = row.membership
    ward_id = row.person_changes.get("ward", (None, person.ward_id))[1]
    branch_id = None
    if values.get("branch"):
        branch_id = context.branch_by_name.get(values["branch"].lower())
    if branch_id is None and ward_id:
        if (
            row.kind == "new"
            or "ward" in row.person_changes
            or membership.branch_id is None
        ):
            branch_id = context.branch_of_ward.get(ward_id)
    if row.kind == "new":
        membership.branch_id = branch_id
    elif branch_id is not None and branch_id != membership.branch_id:
        row.membership_changes["branch"] = (membership.branch_id, branch_id)


# --- preview and apply -------------------------------------------------------------


def _upload_dir() -> Path:
    path = Path(settings.MEMBER_IMPORT_DIR)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def stored_file_path(run: ImportRun) -> Path:
    """Where a previewed file waits for its Apply: named by the run and its hash,
    outside the web root."""
    return _upload_dir() / f"run-{run.pk}-{run.file_sha256}.csv"


def _forget_old_files() -> None:
    """Previewed files nobody applied are deleted after a day."""
    cutoff = time.time() - _KEEP_SECONDS
    for path in _upload_dir().glob("run-*.csv"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue  # another process removed it


def _sha256(data: bytes | IO[bytes]) -> str:
    if isinstance(data, bytes):
        return hashlib.sha256(data).hexdigest()
    digest = hashlib.sha256()
    data.seek(0)
    while chunk := data.read(_CHUNK):
        digest.update(chunk)
    data.seek(0)
    return digest.hexdigest()


def membership_import_preview(
    *,
    data: bytes,
    file_name: str,
    constituency: Constituency,
    actor: User | None,
    keep_file: bool = True,
) -> ImportRun:
    """Read the file and work out what applying it would change; change nothing
    but the run record (kept, audited). ImportFileError for a file that cannot be
    imported at all."""
    parsed = read_export(data)
    plan = _plan(parsed, constituency)
    run = ImportRun.objects.create(
        constituency=constituency,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_repr=str(actor) if actor is not None else "system",
        file_name=(file_name or "upload.csv")[:255],
        file_sha256=_sha256(data),
        file_size=len(data),
        status=ImportRun.Status.PREVIEW,
        counts=plan.counts(),
        report=plan.report(),
    )
    if keep_file:
        _forget_old_files()
        path = stored_file_path(run)
        path.write_bytes(data)
        path.chmod(0o600)
    audit_log(
        actor=actor,
        action=AuditAction.MEMBERSHIP_IMPORT_PREVIEW,
        obj=run,
        row_count=plan.total,
        detail={"file": run.file_name, "sha256": run.file_sha256, **run.counts},
    )
    return run


# --- in the background: the upload is stored, then checked and applied by tasks ----
#
# A national export is up to 20 MB; read whole in a web worker it took a gigabyte
# and half a minute (issue 20). The upload is copied to MEMBER_IMPORT_DIR in chunks
# (hashed on the way) and the run waits in "checking"; a task reads the stored file
# row by row and turns the run into a preview. Apply is a task too. The pages poll
# the run (and the rows read so far, kept in the cache) until it is done.


def _progress_key(run_id: int) -> str:
    return f"members:import-progress:{run_id}"


def _progress_recorder(run_id: int) -> Callable[[int], None]:
    def record(rows: int) -> None:
        with contextlib.suppress(*CACHE_UNAVAILABLE):
            cache.set(_progress_key(run_id), rows, timeout=3600)

    return record


def import_progress(run: ImportRun) -> int | None:
    """Rows read so far by the task working on `run` (None when not known)."""
    try:
        return cache.get(_progress_key(run.pk))
    except CACHE_UNAVAILABLE:
        return None


def membership_import_upload(
    *, upload: Any, file_name: str, constituency: Constituency, actor: User | None
) -> ImportRun:
    """Store an uploaded file without reading it into memory and queue its check.

    `upload` is a Django UploadedFile (or any object with chunks()). Returns the run,
    "being checked"; membership_import_check makes it a preview."""
    _forget_old_files()
    partial = _upload_dir() / f"upload-{uuid.uuid4().hex}.part"
    digest = hashlib.sha256()
    size = 0
    try:
        with partial.open("wb") as out:
            partial.chmod(0o600)
            for chunk in upload.chunks(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        with transaction.atomic():
            run = ImportRun.objects.create(
                constituency=constituency,
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                actor_repr=str(actor) if actor is not None else "system",
                file_name=(file_name or "upload.csv")[:255],
                file_sha256=digest.hexdigest(),
                file_size=size,
                status=ImportRun.Status.CHECKING,
            )
            os.replace(partial, stored_file_path(run))
            from members import tasks

            enqueue_on_commit(tasks.import_check, run.pk)
    finally:
        partial.unlink(missing_ok=True)
    return run


def membership_import_check(*, run_id: int) -> ImportRun | None:
    """Read a stored upload row by row and work out what applying it would change
    (the task's work). Idempotent: a run no longer "being checked" is left alone.
    A file that cannot be imported at all fails the run with the reason."""
    run = (
        ImportRun.objects.select_related("constituency", "actor")
        .filter(pk=run_id, status=ImportRun.Status.CHECKING)
        .first()
    )
    if run is None:
        return None
    actor = run.actor
    path = stored_file_path(run)
    try:
        if not path.exists():
            raise ImportFileError(
                _("The uploaded file is no longer on the server: upload it again.")
            )
        with path.open("rb") as source:
            parsed = read_export(source, progress=_progress_recorder(run.pk))
        plan = _plan(parsed, run.constituency)
    except ImportFileError as exc:
        problem = _("%(error)s Nothing was changed.") % {"error": exc}
        if ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.CHECKING).update(
            status=ImportRun.Status.FAILED, problem=problem
        ):
            path.unlink(missing_ok=True)
            audit_log(
                actor=actor,
                action=AuditAction.MEMBERSHIP_IMPORT_FAILED,
                obj=run,
                detail={"file": run.file_name, "problem": str(exc)},
            )
        return run
    counts, report = plan.counts(), plan.report()
    if ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.CHECKING).update(
        status=ImportRun.Status.PREVIEW, counts=counts, report=report
    ):
        audit_log(
            actor=actor,
            action=AuditAction.MEMBERSHIP_IMPORT_PREVIEW,
            obj=run,
            row_count=plan.total,
            detail={"file": run.file_name, "sha256": run.file_sha256, **counts},
        )
    run.refresh_from_db()
    return run


def membership_import_apply_request(*, run: ImportRun, actor: User | None) -> bool:
    """Queue the apply of a previewed run; False if it is already queued, applied
    or not a preview. The compare-and-set stops a double click queueing it twice."""
    queued = ImportRun.objects.filter(
        pk=run.pk, status=ImportRun.Status.PREVIEW, apply_requested_at=None
    ).update(apply_requested_at=timezone.now(), problem="")
    if queued:
        from members import tasks

        enqueue_on_commit(tasks.import_apply, run.pk, getattr(actor, "pk", None))
    return queued == 1


def membership_import_apply_queued(
    *, run_id: int, actor: User | None
) -> ImportRun | None:
    """The apply task's work: apply a run whose apply was requested. Idempotent:
    an applied (or failed) run is left alone; when it cannot be applied the reason
    is kept on the run for its page and Apply can be pressed again."""
    run = (
        ImportRun.objects.select_related("constituency")
        .filter(pk=run_id, status=ImportRun.Status.PREVIEW)
        .exclude(apply_requested_at=None)
        .first()
    )
    if run is None:
        return None
    try:
        membership_import_apply(
            run=run, actor=actor, progress=_progress_recorder(run.pk)
        )
    except ImportApplyError as exc:
        # A run another task applied meanwhile keeps its result.
        ImportRun.objects.filter(pk=run.pk).exclude(
            status=ImportRun.Status.APPLIED
        ).update(apply_requested_at=None, problem=str(exc))
    run.refresh_from_db()
    return run


STALLED_AFTER = datetime.timedelta(minutes=15)


def membership_imports_requeue(*, now: datetime.datetime | None = None) -> int:
    """Queue again the checks and applies waiting longer than STALLED_AFTER: their
    task never reached a worker (the broker was down) or the worker was lost. Both
    tasks are idempotent, so one still running does no harm. Returns how many."""
    from members import tasks

    cutoff = (now or timezone.now()) - STALLED_AFTER
    checks = ImportRun.objects.filter(
        status=ImportRun.Status.CHECKING, created__lt=cutoff
    ).values_list("pk", flat=True)
    applies = ImportRun.objects.filter(
        status=ImportRun.Status.PREVIEW, apply_requested_at__lt=cutoff
    ).values_list("pk", "actor_id")
    queued = 0
    for pk in checks:
        tasks.import_check.delay(pk)
        queued += 1
    for pk, actor_id in applies:
        tasks.import_apply.delay(pk, actor_id)
        queued += 1
    return queued


def membership_import_apply(
    *,
    run: ImportRun,
    actor: User | None,
    data: bytes | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportRun:
    """Apply a previewed run: every row or none, in one transaction. The file is
    the previewed one (checked by its hash) and is read again against the data as
    it is now. ImportApplyError when it cannot be applied; nothing changes then,
    and a run with row errors is marked failed."""
    source: bytes | IO[bytes]
    if data is None:
        path = stored_file_path(run)
        if not path.exists():
            raise ImportApplyError(
                _("The previewed file is no longer on the server: upload it again.")
            )
        source = path.open("rb")
    else:
        source = data
    with contextlib.ExitStack() as stack:
        if not isinstance(source, bytes):
            stack.enter_context(source)
        return _apply(run=run, actor=actor, source=source, progress=progress)


def _apply(
    *,
    run: ImportRun,
    actor: User | None,
    source: bytes | IO[bytes],
    progress: Callable[[int], None] | None,
) -> ImportRun:
    if _sha256(source) != run.file_sha256:
        raise ImportApplyError(
            _(
                "The file is not the one that was previewed (it has changed): "
                "upload it again and check the new preview."
            )
        )
    try:
        with transaction.atomic():
            # One apply at a time per constituency: two officers applying two
            # files at once would both create the same new memberships.
            hold(f"members-import:{run.constituency_id}")
            claimed = ImportRun.objects.filter(
                pk=run.pk, status=ImportRun.Status.PREVIEW
            ).update(status=ImportRun.Status.APPLYING)
            if claimed != 1:
                raise ImportApplyError(
                    _("This import has already been applied or is not a preview.")
                )
            plan = _plan(read_export(source, progress=progress), run.constituency)
            if plan.errors:
                raise _PlanHasErrors(plan)
            _write(plan, run)
            run.status = ImportRun.Status.APPLIED
            run.applied_at = timezone.now()
            run.counts = plan.counts()
            run.report = plan.report()
            run.save(update_fields=["status", "applied_at", "counts", "report"])
            audit_log(
                actor=actor,
                action=AuditAction.MEMBERSHIP_IMPORT_APPLY,
                obj=run,
                row_count=plan.total,
                detail={"file": run.file_name, "sha256": run.file_sha256, **run.counts},
            )
            _send_signals_on_commit(plan)
    except _PlanHasErrors as exc:
        run.status = ImportRun.Status.FAILED
        run.counts = exc.plan.counts()
        run.report = exc.plan.report()
        run.save(update_fields=["status", "counts", "report"])
        audit_log(
            actor=actor,
            action=AuditAction.MEMBERSHIP_IMPORT_FAILED,
            obj=run,
            row_count=exc.plan.total,
            detail={"file": run.file_name, **run.counts},
        )
        raise ImportApplyError(
            _(
                "Nothing was imported: %(n)s rows have errors. Correct them in the "
                "file and upload it again."
            )
            % {"n": len(exc.plan.errors)}
        ) from None
    except ImportFileError as exc:
        raise ImportApplyError(str(exc)) from exc
    except IntegrityError as exc:
        # Someone changed the same records while this applied: nothing was
        # written and the run is still a preview, so it can be applied again.
        raise ImportApplyError(
            _(
                "Nothing was imported: the records changed while the import was "
                "being applied. Apply it again."
            )
        ) from exc
    stored_file_path(run).unlink(missing_ok=True)
    return run


class _PlanHasErrors(Exception):
    def __init__(self, plan: _Plan) -> None:
        super().__init__("row errors")
        self.plan = plan


def _write(plan: _Plan, run: ImportRun) -> None:
    now = timezone.now()
    new_people = [r.person for r in plan.rows if r.new_person]
    for person in new_people:
        person.created = person.updated = now
    Person.objects.bulk_create(new_people, batch_size=_BATCH)

    for fields, rows in _by_fields(plan.rows, "person_changes").items():
        Person.objects.bulk_update(
            [_changed(Person, r.person, r.person_changes, fields) for r in rows],
            [*fields, "updated"],
            batch_size=_BATCH,
        )

    new_memberships = [r.membership for r in plan.rows if r.kind == "new"]
    for membership in new_memberships:
        membership.person_id = membership.person.pk
        membership.created = membership.updated = now
    Membership.objects.bulk_create(new_memberships, batch_size=_BATCH)

    for fields, rows in _by_fields(plan.rows, "membership_changes").items():
        Membership.objects.bulk_update(
            [
                _changed(Membership, r.membership, r.membership_changes, fields)
                for r in rows
            ],
            [*fields, "updated"],
            batch_size=_BATCH,
        )

    states = [
        MembershipImportState(membership_id=r.membership.pk, values=r.state, run=run)
        for r in plan.rows
        if r.state is not None
    ]
    MembershipImportState.objects.bulk_create(
        states,
        batch_size=_BATCH,
        update_conflicts=True,
        unique_fields=["membership"],
        update_fields=["values", "run"],
    )


def _changed(
    model,
    known: Person | Membership | _KnownPerson | _KnownMembership,
    changes: dict[str, tuple[Any, Any]],
    fields: list[str],
):
    """An instance to bulk_update with the new values of `fields` (the fields
    this row's group changes)."""
    instance = model(pk=known.pk, updated=timezone.now())
    for name in fields:
        attname = f"{name}_id" if name in ("ward", "branch") else name
        value = changes[name][1] if name in changes else getattr(known, attname)
        setattr(instance, attname, value)
    return instance


def _by_fields(rows: Iterable[_Row], attr: str) -> dict[tuple[str, ...], list[_Row]]:
    """Rows grouped by the fields they change: each group is written with only
    its own fields, so a row never writes back a value it read earlier (a
    member's portal edit or an officer's change made while the import applies
    stands)."""
    groups: dict[tuple[str, ...], list[_Row]] = {}
    for row in rows:
        changes = getattr(row, attr)
        if changes:
            groups.setdefault(tuple(sorted(changes)), []).append(row)
    return groups


def _send_signals_on_commit(plan: _Plan) -> None:
    # Only recent joiners are welcomed: the first import of a long-established
    # CLP's list must not welcome members of twenty years' standing.
    from members.selectors import new_member_since

    since = new_member_since()
    joined = [
        r.person.pk
        for r in plan.rows
        if r.kind == "new"
        and r.membership.status not in _LAPSED
        and r.membership.joined >= since
    ]
    joined += [r.person.pk for r in plan.flagged("rejoined")]
    arrears = [r.membership.pk for r in plan.flagged("arrears")]

    membership_signals_on_commit(sender=ImportRun, joined=joined, arrears=arrears)
