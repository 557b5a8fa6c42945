"""Writes and workflows for the organisation and its people."""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from members.models import Constituency, Person, Postcode, Ward
from members.postcodes import normalise_postcode
from members.roles import ROLE_PERMISSIONS, group_name
from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log
from partyhub.csvrows import NumberedReader
from partyhub.errors import DomainError
from partyhub.locks import hold

if TYPE_CHECKING:
    from partyhub.accounts.models import User


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
    """The lookup row for a postcode however it is typed, or None."""
    try:
        postcode = normalise_postcode(postcode) if postcode else ""
    except ValidationError:
        return None
    if not postcode:
        return None
    return Postcode.objects.select_related("ward").filter(postcode=postcode).first()


@dataclass
class Placement:
    """What the postcode lookup did to a person: placed them (truthy), or found
    their postcode in another constituency (`elsewhere`, the lookup row): then
    they keep their home CLP with no ward, and the caller asks for a transfer
    (members.transfers.transfers_after_placement) once the person is saved."""

    placed: bool
    elsewhere: Postcode | None = None

    def __bool__(self) -> bool:
        return self.placed


def person_place(*, person: Person) -> Placement:
    """Set a person's ward (and, for someone with no constituency yet, their
    constituency) from their postcode, when the lookup knows it. Never moves a
    person to another CLP: that is a transfer, which the receiving CLP decides.
    Does not save."""
    found = postcode_lookup(person.postcode)
    if found is None:
        return Placement(False)
    if person.constituency_id not in (None, found.constituency_id):
        person.ward_id = None
        return Placement(False, elsewhere=found)
    person.constituency_id = found.constituency_id
    person.ward_id = found.ward_id
    return Placement(True)


def person_for_public_form(
    *,
    email: str,
    constituency_ids: list[int],
    first_name: str,
    last_name: str,
    postcode: str = "",
) -> Person:
    """The Person an unverified public form (a petition, an event booking) is about:
    the one already known by this email in these constituencies, else a new one in
    the first. An unverified form never changes a known person's names; it only
    fills a missing postcode."""
    email = email.strip()
    # A lock on the address, not only on rows found: two forms at once for an
    # address nobody knows yet must not both create a person.
    hold(f"members-person-email:{email.lower()}")
    person = (
        Person.objects.select_for_update()
        .filter(constituency__in=constituency_ids, email__iexact=email)
        .order_by("pk")
        .first()
    )
    if person is None:
        return Person.objects.create(
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            email=email,
            postcode=postcode,
            constituency_id=constituency_ids[0],
        )
    if postcode and not person.postcode:
        person.postcode = postcode
        person.save(update_fields=["postcode", "updated"])
    return person


# --- postcode lookup import ------------------------------------------------------

# The ONS Postcode Directory and National Statistics Postcode Lookup name their
# columns pcd/pcd2/pcds (pcd7/pcd8 in recent editions), osward (or wdYYcd) and
# pcon (or pconYYcd); every other column is ignored.
_POSTCODE_COLUMNS = ("pcds", "pcd2", "pcd8", "pcd", "pcd7", "postcode")
_WARD_COLUMN = re.compile(r"^(osward|wd\d{2}cd)$")
_CONSTITUENCY_COLUMN = re.compile(r"^(pcon|pcon\d{2}cd)$")
# Kept rows are written in batches: a national deployment loading the whole-UK
# file (~2.7 million rows) never holds them all in memory.
_LOAD_BATCH = 2000
# How many refused rows an upload's report and audit entry list by name.
REFUSED_LISTED = 1000


class PostcodeFileError(DomainError):
    """The file cannot be read as a postcode lookup; nothing was loaded."""


@dataclass
class PostcodeLoadReport:
    rows: int = 0
    loaded: int = 0
    skipped_other_areas: int = 0
    invalid: list[tuple[int, str]] = field(default_factory=list)
    people_placed: int = 0
    changed: int = 0  # of the rows loaded, those new or different from before
    # An officer's upload: rows for another CLP's postcodes or wards, refused.
    # (line, postcode, whose) for the first REFUSED_LISTED; refused_count has all.
    refused: list[tuple[int, str, str]] = field(default_factory=list)
    refused_count: int = 0
    # People re-placed because their postcode moved to another ward (a boundary
    # change): one PersonMove each.
    moves: list[PersonMove] = field(default_factory=list)

    @property
    def people_moved(self) -> int:
        return len(self.moves)

    def refuse(self, line: int, postcode: str, whose: str) -> None:
        self.refused_count += 1
        if len(self.refused) < REFUSED_LISTED:
            self.refused.append((line, postcode, whose))

    def moves_by_ward(self) -> list[tuple[str, str, int]]:
        """(old ward, new ward, people) for the report's summary."""
        counts: dict[tuple[str, str], int] = {}
        for move in self.moves:
            key = (move.old_ward, move.new_ward)
            counts[key] = counts.get(key, 0) + 1
        return [(old, new, n) for (old, new), n in sorted(counts.items())]


@dataclass
class PersonMove:
    person_id: int
    name: str
    old_ward: str
    new_ward: str


def _find_columns(header: list[str]) -> tuple[int, int | None, int | None]:
    names = [h.strip().lower() for h in header]
    postcode = next((names.index(c) for c in _POSTCODE_COLUMNS if c in names), None)
    ward = next((i for i, n in enumerate(names) if _WARD_COLUMN.match(n)), None)
    constituency = next(
        (i for i, n in enumerate(names) if _CONSTITUENCY_COLUMN.match(n)), None
    )
    found = ", ".join(n[:30] for n in names[:8]) + (", …" if len(names) > 8 else "")
    if postcode is None:
        raise PostcodeFileError(
            gettext(
                "No postcode column: expected one of pcds, pcd2, pcd or postcode in "
                "the first line, which has: %(found)s."
            )
            % {"found": found}
        )
    if ward is None and constituency is None:
        raise PostcodeFileError(
            gettext(
                "No ward or constituency column: expected osward (or wdYYcd) and "
                "pcon (or pconYYcd) in the first line, which has: %(found)s."
            )
            % {"found": found}
        )
    return postcode, ward, constituency


@transaction.atomic
def postcodes_load(
    *,
    file: IO[str],
    actor: User | None,
    constituency_ids: frozenset[int] | None = None,
) -> PostcodeLoadReport:
    """Load an ONS-layout postcode-to-ward CSV, keeping only the rows for wards and
    constituencies partyhub knows (and, for an officer, only their own). Whole or
    not at all; people with a known postcode and no ward are placed as it goes.

    Where a ward is split by a constituency boundary, the row's constituency wins
    and the postcode gets no ward; a constituency code partyhub does not know (a
    new edition's codes, say) defers to the ward's constituency.
    """
    # strict: a stray quote is an error to show, not a cell swallowing the file.
    reader = NumberedReader(csv.reader(file, strict=True))
    report = PostcodeLoadReport()
    try:
        header = next((row for row in reader if "".join(row).strip()), None)
        if header is None:
            raise PostcodeFileError(gettext("The file is empty."))
        pc_col, ward_col, con_col = _find_columns(header)

        # Every known area, not only the officer's: a row in another CLP must be
        # recognised as such, not fall back to a ward of this one.
        wards = {
            w.ons_code: w
            for w in Ward.objects.exclude(ons_code=None).select_related("constituency")
        }
        constituencies = {
            c.ons_code: c for c in Constituency.objects.exclude(ons_code=None)
        }
        names = dict(Constituency.objects.values_list("pk", "name"))
        batch: dict[str, tuple[int | None, int]] = {}
        lines: dict[str, int] = {}
        for row in reader:
            width = len(row)
            if not width or not "".join(row).strip():
                continue
            report.rows += 1
            # Most rows of a national file are other areas: decide that first,
            # with two dictionary lookups, before validating the postcode.
            ward = (
                wards.get(row[ward_col].strip())
                if ward_col is not None and ward_col < width
                else None
            )
            constituency = (
                constituencies.get(row[con_col].strip())
                if con_col is not None and con_col < width
                else None
            )
            if ward is not None:
                if constituency is None:
                    constituency = ward.constituency
                elif constituency.pk != ward.constituency_id:
                    if (
                        constituency_ids is not None
                        and ward.constituency_id not in constituency_ids
                    ):
                        # An officer's row naming another CLP's ward: refused.
                        constituency = ward.constituency
                    else:
                        ward = None
            if constituency is None:
                report.skipped_other_areas += 1
                continue
            raw = row[pc_col].strip() if pc_col < width else ""
            if constituency_ids is not None and constituency.pk not in constituency_ids:
                # Another CLP's row in an officer's upload: never loaded, listed.
                report.refuse(reader.row_start, raw, constituency.name)
                continue
            try:
                postcode = normalise_postcode(raw)
            except ValidationError:
                report.invalid.append((reader.row_start, raw))
                continue
            batch[postcode] = (ward.pk if ward else None, constituency.pk)
            lines[postcode] = reader.row_start
            if len(batch) >= _LOAD_BATCH:
                _flush(batch, report, constituency_ids, lines, names)
                batch, lines = {}, {}
    except csv.Error as exc:
        raise PostcodeFileError(
            gettext("Line %(line)d is not valid CSV: %(error)s.")
            % {"line": reader.row_start, "error": exc}
        ) from None
    if report.rows == 0:
        raise PostcodeFileError(gettext("The file has a header but no rows."))
    _flush(batch, report, constituency_ids, lines, names)

    audit_log(
        actor=actor,
        action=AuditAction.POSTCODE_LOAD,
        constituency_id=next(iter(constituency_ids))
        if constituency_ids and len(constituency_ids) == 1
        else None,
        row_count=report.loaded,
        detail={
            "rows": report.rows,
            "changed": report.changed,
            "skipped_other_areas": report.skipped_other_areas,
            "invalid": len(report.invalid),
            "people_placed": report.people_placed,
            "people_moved": report.people_moved,
            "refused": report.refused_count,
            "refused_rows": [list(r) for r in report.refused],
            "moves": [
                [m.person_id, m.old_ward, m.new_ward] for m in report.moves[:1000]
            ],
        },
    )
    return report


def _flush(
    batch: dict[str, tuple[int | None, int]],
    report: PostcodeLoadReport,
    constituency_ids: frozenset[int] | None = None,
    lines: dict[str, int] | None = None,
    names: dict[int, str] | None = None,
) -> None:
    if constituency_ids is not None and batch:
        # A postcode the lookup already places in another CLP is that CLP's: an
        # officer's file cannot re-point it to one of their wards.
        for postcode, constituency_id in (
            Postcode.objects.filter(postcode__in=list(batch))
            .exclude(constituency_id__in=constituency_ids)
            .values_list("postcode", "constituency_id")
        ):
            del batch[postcode]
            report.refuse(
                (lines or {}).get(postcode, 0),
                postcode,
                (names or {}).get(constituency_id, ""),
            )
    report.loaded += len(batch)
    moved: list[str] = []
    report.changed += _postcodes_save(batch, moved=moved)
    report.people_placed += people_place_by_postcode(postcodes=list(batch))
    report.moves += people_replace_by_postcode(postcodes=moved)


def _postcodes_save(
    rows: dict[str, tuple[int | None, int]], *, moved: list[str] | None = None
) -> int:
    """Write the rows of a batch that are new or changed (a boundary change moves a
    postcode to its new ward). Returns how many: a quarterly reload of an unchanged
    lookup rewrites nothing."""
    if not rows:
        return 0
    current = {
        postcode: (ward_id, constituency_id)
        for postcode, ward_id, constituency_id in Postcode.objects.filter(
            postcode__in=list(rows)
        ).values_list("postcode", "ward_id", "constituency_id")
    }
    changed = [
        Postcode(postcode=postcode, ward_id=ward_id, constituency_id=constituency_id)
        for postcode, (ward_id, constituency_id) in rows.items()
        if current.get(postcode) != (ward_id, constituency_id)
    ]
    if moved is not None:
        moved += [p.postcode for p in changed if p.postcode in current]
    Postcode.objects.bulk_create(
        changed,
        batch_size=_LOAD_BATCH,
        update_conflicts=True,
        unique_fields=["postcode"],
        update_fields=["ward", "constituency"],
    )
    return len(changed)


def people_place_by_postcode(*, postcodes: list[str]) -> int:
    """Place people who have one of these postcodes but no ward yet.

    Someone an officer has put in another constituency by hand stays there: a bulk
    load never moves a person from one CLP (and its officers) to another.
    """
    placed = 0
    now = timezone.now()
    for start in range(0, len(postcodes), _LOAD_BATCH):
        chunk = postcodes[start : start + _LOAD_BATCH]
        # Usually nobody is waiting for these postcodes: ask about people first.
        people = list(
            Person.objects.filter(postcode__in=chunk, ward__isnull=True).only(
                "pk", "postcode", "constituency", "ward"
            )
        )
        if not people:
            continue
        lookup = {
            postcode: (ward_id, constituency_id)
            for postcode, ward_id, constituency_id in Postcode.objects.filter(
                postcode__in={p.postcode for p in people}
            ).values_list("postcode", "ward_id", "constituency_id")
        }
        changed = []
        for person in people:
            if person.postcode not in lookup:
                continue
            ward_id, constituency_id = lookup[person.postcode]
            if person.constituency_id not in (None, constituency_id):
                continue
            if (person.constituency_id, person.ward_id) == (constituency_id, ward_id):
                continue
            person.constituency_id = constituency_id
            person.ward_id = ward_id
            person.updated = now
            changed.append(person)
        Person.objects.bulk_update(changed, ["constituency", "ward", "updated"])
        placed += len(changed)
    return placed


def people_replace_by_postcode(*, postcodes: list[str]) -> list[PersonMove]:
    """After a boundary change moved these postcodes to another ward, move the
    people who live at them (and their memberships' branch, where it was the old
    ward's) to the new ward. As for placing, nobody changes constituency."""
    moves: list[PersonMove] = []
    if not postcodes:
        return moves
    now = timezone.now()
    for start in range(0, len(postcodes), _LOAD_BATCH):
        chunk = postcodes[start : start + _LOAD_BATCH]
        lookup = {p.postcode: p for p in Postcode.objects.filter(postcode__in=chunk)}
        people = list(
            Person.objects.filter(postcode__in=chunk, ward__isnull=False)
            .select_related("ward")
            .only("pk", "first_name", "last_name", "postcode", "constituency", "ward")
        )
        changed = []
        for person in people:
            found = lookup.get(person.postcode)
            if found is None or person.constituency_id != found.constituency_id:
                continue
            if person.ward_id == found.ward_id:
                continue
            old_name = person.ward.name if person.ward else ""
            old_ward_id = person.ward_id
            person.ward_id = found.ward_id
            person.updated = now
            changed.append((person, old_ward_id))
            moves.append(PersonMove(person.pk, person.full_name, old_name, ""))
        if not changed:
            continue
        Person.objects.bulk_update([p for p, _old in changed], ["ward", "updated"])
        ward_ids = {w for p, old in changed for w in (p.ward_id, old) if w}
        names = dict(Ward.objects.filter(pk__in=ward_ids).values_list("pk", "name"))
        for (person, _old), move in zip(changed, moves[-len(changed) :], strict=True):
            move.new_ward = names.get(person.ward_id, "")
        membership_branches_follow(moved=changed, now=now)
    return moves


def membership_branches_follow(
    *, moved: list[tuple[Person, int | None]], now: datetime.datetime | None = None
) -> int:
    """People moved ward (a new address, or a boundary change): a membership whose
    branch was the old ward's branch moves to the new ward's. A branch an officer
    chose by hand for another reason stays. `moved` pairs each person (already
    saved with their new ward) with their old ward's id. Returns rows changed."""
    from members.models import Branch, Membership

    moved = [(p, old) for p, old in moved if p.ward_id != old]
    if not moved:
        return 0
    now = now or timezone.now()
    ward_ids = {w for p, old in moved for w in (p.ward_id, old) if w}
    branch_of_ward: dict[int, int] = {}
    for branch_id, ward_id in (
        Branch.wards.through.objects.filter(ward_id__in=ward_ids)
        .order_by("branch_id")
        .values_list("branch_id", "ward_id")
    ):
        branch_of_ward.setdefault(ward_id, branch_id)
    count = 0
    for person, old_ward_id in moved:
        new_branch = branch_of_ward.get(person.ward_id)
        old_branch = branch_of_ward.get(old_ward_id)
        count += (
            Membership.objects.filter(
                person=person,
                constituency_id=person.constituency_id,
                branch_id=old_branch,
            )
            .exclude(branch_id=new_branch)
            .update(branch_id=new_branch, updated=now)
        )
    return count


_SNIFF_BYTES = 1 << 20
_ZIP_MAGIC = b"PK\x03\x04"
_GZIP_MAGIC = b"\x1f\x8b"


def _reject_binary(chunk: bytes, *, first: bool) -> None:
    if first and chunk.startswith(_ZIP_MAGIC):
        raise PostcodeFileError(
            gettext(
                "This is a zip archive (or an Excel workbook), not a CSV file: unzip "
                "the download, or save the sheet as CSV, and load the CSV."
            )
        )
    if first and chunk.startswith(_GZIP_MAGIC):
        raise PostcodeFileError(
            gettext("This is a compressed (gzip) file: uncompress it first.")
        )
    if b"\x00" in chunk:
        raise PostcodeFileError(
            gettext(
                "The file is not a CSV text file: it holds binary data. Save it as "
                "CSV (UTF-8 or Windows-1252) and try again."
            )
        )


def _not_text() -> PostcodeFileError:
    return PostcodeFileError(
        gettext("The file is not text in UTF-8 or Windows-1252: save it as CSV.")
    )


def read_text_upload(data: bytes | IO[bytes]) -> IO[str]:
    """Decode an uploaded CSV: UTF-8 (with or without BOM), else Windows-1252.

    Bytes are decoded in memory. A binary file (a path opened "rb", an upload's
    `.file`) is checked in one streaming pass, then read through a text wrapper,
    so a whole-UK postcode file (~1 GB) is never held in memory at once. The text
    stream returned owns the file: close it (a `with` block) when done.
    """
    if isinstance(data, bytes | bytearray | memoryview):
        data = bytes(data)
        _reject_binary(data[:_SNIFF_BYTES], first=True)
        _reject_binary(data, first=False)
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return io.StringIO(data.decode(encoding), newline="")
            except UnicodeDecodeError:
                continue
        raise _not_text()

    for encoding in ("utf-8", "cp1252"):
        data.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        first = True
        try:
            while chunk := data.read(_SNIFF_BYTES):
                _reject_binary(chunk, first=first)
                first = False
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        data.seek(0)
        return io.TextIOWrapper(
            data,
            encoding="utf-8-sig" if encoding == "utf-8" else encoding,
            newline="",
        )
    raise _not_text()


# --- memberships: the one write path (admin, inline, import share its rules) -----

MEMBERSHIP_FIELDS = (
    "membership_number",
    "person",
    "constituency",
    "branch",
    "status",
    "joined",
    "expires",
    "trade_union",
)


def membership_status_changes(
    *, membership: Any, new_status: str, today: datetime.date
) -> tuple[dict[str, tuple[Any, Any]], set[str]]:
    """What a change of status brings with it, as {field: (old, new)} to apply
    beside the status, and flags: "rejoined" (a lapsed or resigned member is a
    member again: welcomed as a joiner), "arrears" (newly in arrears: the renewal
    reminder), "lapsed". The membership import and `membership_update` both use
    it, so an officer's edit and the national list have the same follow-ups."""
    from members.models import Membership

    lapsed = (Membership.Status.LAPSED, Membership.Status.RESIGNED)
    old_status = membership.status
    follow: dict[str, tuple[Any, Any]] = {}
    flags: set[str] = set()
    if old_status == new_status:
        return follow, flags
    follow["status_since"] = (membership.status_since, today)
    if old_status in lapsed and new_status not in lapsed:
        flags.add("rejoined")
        follow["rejoined_on"] = (membership.rejoined_on, today)
    if new_status == Membership.Status.ARREARS:
        flags.add("arrears")
    if new_status == Membership.Status.LAPSED:
        flags.add("lapsed")
    return follow, flags


def membership_signals_on_commit(
    *, sender: Any, joined: list[int], arrears: list[int]
) -> None:
    """After the transaction commits: welcome the joiners (person ids) and remind
    the memberships newly in arrears (membership ids)."""
    from members.signals import members_fell_into_arrears, members_joined

    def send() -> None:
        if joined:
            members_joined.send(sender=sender, person_ids=joined)
        if arrears:
            members_fell_into_arrears.send(sender=sender, membership_ids=arrears)

    if joined or arrears:
        transaction.on_commit(send)


@transaction.atomic
def membership_update(
    *,
    instance: Any,
    changes: dict[str, Any],
    actor: Any,
    today: datetime.date | None = None,
) -> dict[str, tuple[Any, Any]]:
    """An officer's edit of a membership (the admin page or the person's page).
    A new status sets `status_since` (and `rejoined_on` for a rejoiner) and sends
    the membership signals after commit, as the national import does. Audited with
    old and new values. Returns {field: (old, new)}."""
    from members.models import Membership
    from partyhub.scoping import today as local_today
    from partyhub.updates import audit_detail, model_update

    unknown = sorted(set(changes) - set(MEMBERSHIP_FIELDS))
    if unknown:
        # status_since and rejoined_on follow the status: nobody sets them.
        raise DomainError(
            gettext("These fields cannot be changed here: %(f)s.")
            % {"f": ", ".join(unknown)}
        )
    new_status = changes.get("status", instance.status)
    follow, flags = membership_status_changes(
        membership=instance, new_status=new_status, today=today or local_today()
    )
    changed = model_update(
        instance=instance,
        changes={**changes, **{name: new for name, (_old, new) in follow.items()}},
        fields=(*MEMBERSHIP_FIELDS, "status_since", "rejoined_on"),
    )
    if not changed:
        return changed
    audit_log(
        actor=actor,
        action=AuditAction.MEMBERSHIP_UPDATED,
        obj=instance,
        detail=audit_detail(changed),
    )
    membership_signals_on_commit(
        sender=Membership,
        joined=[instance.person_id] if "rejoined" in flags else [],
        arrears=[instance.pk] if "arrears" in flags else [],
    )
    return changed


@transaction.atomic
def membership_create(*, instance: Any, actor: Any) -> Any:
    """A membership an officer adds by hand (`instance`, not yet saved): its
    status dates start on the join date, and a recent joiner is welcomed and one
    in arrears reminded, as the national import does."""
    from members.models import Membership
    from members.selectors import new_member_since

    membership = instance
    membership.status_since = membership.status_since or membership.joined
    membership.full_clean()
    membership.save()
    audit_log(
        actor=actor,
        action=AuditAction.MEMBERSHIP_CREATED,
        obj=membership,
        detail={"status": membership.status},
    )
    lapsed = (Membership.Status.LAPSED, Membership.Status.RESIGNED)
    membership_signals_on_commit(
        sender=Membership,
        joined=[membership.person_id]
        if membership.status not in lapsed and membership.joined >= new_member_since()
        else [],
        arrears=[membership.pk]
        if membership.status == Membership.Status.ARREARS
        else [],
    )
    return membership


@transaction.atomic
def membership_delete(*, instance: Any, actor: Any) -> None:
    audit_log(
        actor=actor,
        action=AuditAction.MEMBERSHIP_DELETED,
        obj=instance,
        detail={"status": instance.status},
    )
    instance.delete()


# --- people: the admin's edit of a person ------------------------------------------


def _person_placed(
    *,
    person: Person,
    old_ward_id: int | None,
    placement: Any,
    change: bool,
    actor: Any,
    written: Any,
) -> None:
    from members.models import Transfer
    from members.transfers import transfers_after_placement
    from partyhub.updates import WARNING

    if change:
        membership_branches_follow(moved=[(person, old_ward_id)])
    if placement is not None and (placement.elsewhere or change):
        # The postcode is another CLP's: its officers decide whether to take
        # the person; until then they stay here, with no ward.
        transfer = transfers_after_placement(
            person=person,
            elsewhere=placement.elsewhere,
            source=Transfer.Source.ADMIN,
            actor=actor,
        )
        if transfer is not None:
            written.note(
                gettext(
                    "%(postcode)s is in %(clp)s. %(person)s stays in %(home)s, "
                    "with no ward, until an officer of %(clp)s accepts the "
                    "transfer."
                )
                % {
                    "postcode": person.postcode,
                    "clp": transfer.to_constituency,
                    "person": person,
                    "home": transfer.from_constituency,
                },
                WARNING,
            )


@transaction.atomic
def person_create(*, instance: Person, actor: Any) -> Any:
    """A person an officer adds by hand: placed by postcode (a transfer asked
    for when it is another CLP's)."""
    from partyhub.updates import Written

    written = Written(instance)
    placement = person_place(person=instance) if instance.postcode else None
    instance.save()
    audit_log(actor=actor, action=AuditAction.PERSON_CREATED, obj=instance)
    _person_placed(
        person=instance,
        old_ward_id=None,
        placement=placement,
        change=False,
        actor=actor,
        written=written,
    )
    return written


@transaction.atomic
def person_update(*, instance: Person, changes: dict[str, Any], actor: Any) -> Any:
    """An officer's edit of a person: a new postcode places them again (ward,
    branch of their memberships, a transfer when it is another CLP's). Audited
    with old and new values."""
    import copy

    from partyhub.updates import Written, audit_detail, model_update

    written = Written(instance)
    old_ward_id = instance.ward_id
    placement = None
    postcode = changes.get("postcode", instance.postcode)
    if "postcode" in changes or (postcode and not instance.ward_id):
        # Placed on a copy: model_update sees the stored values and the new ones.
        probe = copy.copy(instance)
        probe.postcode = postcode
        placement = person_place(person=probe)
        changes = {
            **changes,
            "ward": probe.ward_id,
            "constituency": probe.constituency_id,
        }
    fields = [f.name for f in instance._meta.concrete_fields]
    written.changed = model_update(instance=instance, changes=changes, fields=fields)
    if written.changed:
        audit_log(
            actor=actor,
            action=AuditAction.PERSON_UPDATED,
            obj=instance,
            detail=audit_detail(written.changed),
        )
    _person_placed(
        person=instance,
        old_ward_id=old_ward_id,
        placement=placement,
        change=True,
        actor=actor,
        written=written,
    )
    return written
