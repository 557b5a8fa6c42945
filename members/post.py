"""Post for members without email: address labels (PDF) and a mail-merge CSV.

About one member in eight gives no email address (the demo keeps that share); the
party still writes to them. The filter is applied here, whatever the officer
selected: only people with no email and a membership that is current or in
arrears, with an address to post to. Every run is audited with its counts, one
entry per constituency.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from members.models import Membership, Person
from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log
from partyhub.comms.models import Channel, ConsentState
from partyhub.exports import csv_cell
from partyhub.pdf import font_for

if TYPE_CHECKING:
    from partyhub.accounts.models import User


POSTAL_STATUSES = (Membership.Status.CURRENT, Membership.Status.ARREARS)


@dataclass(frozen=True)
class LabelSheet:
    """A standard A4 label sheet; measures from the manufacturer's template."""

    code: str
    label: Any
    columns: int
    rows: int
    width: float  # label, in points
    height: float
    left: float  # page margin to the first label
    top: float
    pitch_x: float  # from one label's left edge to the next one's
    pitch_y: float

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows


SHEETS: dict[str, LabelSheet] = {
    s.code: s
    for s in (
        LabelSheet(
            "L7160",
            _("Avery L7160: 21 labels (63.5 × 38.1 mm)"),
            3,
            7,
            63.5 * mm,
            38.1 * mm,
            7.25 * mm,
            15.15 * mm,
            66.04 * mm,
            38.1 * mm,
        ),
        LabelSheet(
            "L7161",
            _("Avery L7161: 18 labels (63.5 × 46.6 mm)"),
            3,
            6,
            63.5 * mm,
            46.6 * mm,
            7.25 * mm,
            8.8 * mm,
            66.04 * mm,
            46.6 * mm,
        ),
        LabelSheet(
            "L7162",
            _("Avery L7162: 16 labels (99.1 × 33.9 mm)"),
            2,
            8,
            99.1 * mm,
            33.9 * mm,
            4.65 * mm,
            12.9 * mm,
            101.6 * mm,
            33.9 * mm,
        ),
        LabelSheet(
            "L7163",
            _("Avery L7163: 14 labels (99.1 × 38.1 mm)"),
            2,
            7,
            99.1 * mm,
            38.1 * mm,
            4.65 * mm,
            15.15 * mm,
            101.6 * mm,
            38.1 * mm,
        ),
    )
}
DEFAULT_SHEET = "L7160"
FONT = "Helvetica"
FONT_SIZE = 10
LEADING = 12
PADDING = 4 * mm


def postal_recipients(people: QuerySet[Person]) -> QuerySet[Person]:
    """Of `people`, the members the party must write to by post: no email, an
    ongoing membership, an address, and who have not told us "no post" or "no
    contact at all" (the consent ledger). Ordered by postcode, as a delivery
    round is."""
    ongoing = Membership.objects.filter(
        person=OuterRef("pk"), status__in=POSTAL_STATUSES
    )
    refused = ConsentState.objects.filter(
        person=OuterRef("pk"),
        channel__in=[Channel.POST, Channel.ANY],
        topic="",
        granted=False,
    )
    # A fresh queryset on the selected ids: whatever the caller prefetched or
    # annotated (the admin's changelist does) does not matter here.
    return (
        Person.objects.filter(pk__in=people.values("pk"))
        .filter(Exists(ongoing), email="")
        .exclude(Exists(refused))
        .exclude(address_line_1="")
        .select_related("constituency")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(status__in=POSTAL_STATUSES).only(
                    "person_id", "membership_number", "status", "joined"
                ),
            )
        )
        .order_by("postcode", "last_name", "first_name", "pk")
    )


def address_lines(person: Person) -> list[str]:
    lines = [person.full_name, person.address_line_1, person.address_line_2]
    lines += [person.town, person.postcode]
    return [line for line in lines if line]


def _membership_number(person: Person) -> str:
    numbers = sorted(m.membership_number for m in person.memberships.all())
    return numbers[0] if numbers else ""


def _audit(
    *, people: list[Person], action: str, actor: User | None, detail: dict[str, Any]
) -> None:
    per_constituency = Counter(p.constituency_id for p in people)
    for constituency_id, count in per_constituency.items():
        audit_log(
            actor=actor,
            action=action,
            constituency_id=constituency_id,
            row_count=count,
            detail=detail,
        )
    if not people:
        audit_log(actor=actor, action=action, row_count=0, detail=detail)


def _fit(text: str, width: float, font: str = FONT) -> str:
    while text and stringWidth(text, font, FONT_SIZE) > width:
        text = text[:-1]
    return text


def labels_pdf_render(people: Iterable[Person], sheet: LabelSheet) -> bytes:
    """One label per person, filling sheets row by row from the top left."""
    buffer = io.BytesIO()
    # Uncompressed and invariant: the same list gives the same bytes, and the text
    # can be searched (tests, and officers' own checks with `grep`).
    canvas = Canvas(buffer, pagesize=A4, pageCompression=0, invariant=1)
    canvas.setTitle(str(_("Address labels")))
    page_width, page_height = A4
    canvas.setFont(FONT, FONT_SIZE)
    slot = 0
    for person in people:
        if slot == sheet.per_sheet:
            canvas.showPage()
            canvas.setFont(FONT, FONT_SIZE)
            slot = 0
        row, column = divmod(slot, sheet.columns)
        x = sheet.left + column * sheet.pitch_x + PADDING
        top = page_height - sheet.top - row * sheet.pitch_y
        y = top - PADDING - FONT_SIZE
        for line in address_lines(person)[: int((sheet.height - PADDING) // LEADING)]:
            font = font_for(line)
            canvas.setFont(font, FONT_SIZE)
            canvas.drawString(x, y, _fit(line, sheet.width - 2 * PADDING, font))
            y -= LEADING
        slot += 1
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def labels_pdf(
    *, people: QuerySet[Person], sheet_code: str, actor: User | None
) -> bytes:
    """Address labels for the members among `people` who have no email (audited)."""
    sheet = SHEETS[sheet_code]
    recipients = list(postal_recipients(people))
    _audit(
        people=recipients,
        action=AuditAction.PERSON_LABELS,
        actor=actor,
        detail={"sheet": sheet.code, "selected": people.count()},
    )
    return labels_pdf_render(recipients, sheet)


MAIL_MERGE_COLUMNS = (
    "name",
    "first_name",
    "last_name",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "membership_number",
)


def mail_merge_csv(*, people: QuerySet[Person], actor: User | None) -> str:
    """A mail-merge file for the members among `people` who have no email (audited).
    Cells that a spreadsheet would run as a formula are neutralised."""
    recipients = list(postal_recipients(people))
    _audit(
        people=recipients,
        action=AuditAction.PERSON_MAIL_MERGE,
        actor=actor,
        detail={"columns": list(MAIL_MERGE_COLUMNS), "selected": people.count()},
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(MAIL_MERGE_COLUMNS)
    for p in recipients:
        writer.writerow(
            csv_cell(value)
            for value in (
                p.full_name,
                p.first_name,
                p.last_name,
                p.address_line_1,
                p.address_line_2,
                p.town,
                p.postcode,
                _membership_number(p),
            )
        )
    return out.getvalue()
