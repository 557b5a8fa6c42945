"""Walks: the doors a canvasser knocks, grouped by street, odd side then even."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils.translation import gettext as _

from canvassing.models import (
    Answer,
    Elector,
    Household,
    Imprint,
    PollingDistrict,
    Walk,
    WalkStop,
)
from members.models import Constituency, Ward
from partyhub.audit.services import audit_log
from partyhub.errors import DomainError

MAX_WALK_SIZE = 500


def target_filter(target: str) -> Q:
    if target == Walk.Target.NOT_CONTACTED:
        return Q(contacted_at__isnull=True)
    if target == Walk.Target.POSTAL:
        return Q(postal_voter=True)
    if target == Walk.Target.SUPPORTERS:
        return Q(intention=Answer.OURS)
    return Q()


def _route_key(row: dict[str, Any]) -> tuple[Any, ...]:
    """Street by street; odd numbers going up, then even numbers coming back."""
    number = row["household__house_number"]
    if number is None:
        return (row["household__street__name"], 2, 0, row["household__address"])
    if number % 2:
        return (row["household__street__name"], 0, number, row["household__address"])
    return (row["household__street__name"], 1, -number, row["household__address"])


@transaction.atomic
def walks_create(
    *,
    constituency: Constituency,
    target: str,
    size: int,
    actor: Any,
    district: PollingDistrict | None = None,
    ward: Ward | None = None,
) -> list[Walk]:
    """Split a polling district (or each district of a ward) into walks of `size`
    households with someone to visit."""
    if target not in Walk.Target.values:
        raise DomainError(_("Choose who to visit."))
    if not 1 <= size <= MAX_WALK_SIZE:
        raise DomainError(
            _("A walk has between 1 and %(max)s doors.") % {"max": MAX_WALK_SIZE}
        )
    if district is not None:
        districts = [district]
    elif ward is not None:
        districts = list(
            PollingDistrict.objects.filter(constituency=constituency, ward=ward)
        )
    else:
        raise DomainError(_("Choose a ward or a polling district."))
    if any(d.constituency_id != constituency.pk for d in districts):
        raise DomainError(_("That polling district is not one of yours."))
    walks: list[Walk] = []
    for d in districts:
        rows = (
            Elector.objects.filter(district=d)
            .filter(target_filter(target))
            .values(
                "household_id",
                "household__street__name",
                "household__house_number",
                "household__address",
            )
            .order_by()  # no ordering columns in the DISTINCT: one row a door
            .distinct()
        )
        ordered = sorted(rows, key=_route_key)
        if not ordered:
            continue
        start = (d.walks.aggregate(n=Max("number"))["n"] or 0) + 1
        chunks = [ordered[i : i + size] for i in range(0, len(ordered), size)]
        made = Walk.objects.bulk_create(
            [
                Walk(
                    constituency=constituency,
                    district=d,
                    number=start + i,
                    target=target,
                    created_by=actor
                    if getattr(actor, "is_authenticated", False)
                    else None,
                )
                for i in range(len(chunks))
            ]
        )
        WalkStop.objects.bulk_create(
            [
                WalkStop(walk=walk, household_id=row["household_id"], position=pos)
                for walk, chunk in zip(made, chunks, strict=True)
                for pos, row in enumerate(chunk)
            ],
            batch_size=2000,
        )
        walks += made
    if not walks:
        raise DomainError(_("Nobody there matches who you chose to visit."))
    audit_log(
        actor=actor,
        action="canvassing.walks_created",
        constituency_id=constituency.pk,
        row_count=len(walks),
        detail={
            "target": target,
            "districts": [d.code for d in districts],
            "size": size,
        },
    )
    return walks


@dataclass
class Door:
    household: Household
    electors: list[Elector]


@dataclass
class StreetSide:
    street: str
    side: str  # "odd", "even" or ""
    doors: list[Door]


def walk_doors(walk: Walk) -> list[StreetSide]:
    """The walk in order, split into streets and sides; three queries."""
    stops = list(
        WalkStop.objects.filter(walk=walk)
        .select_related("household__street")
        .order_by("position")
    )
    electors: QuerySet[Elector] = Elector.objects.filter(
        household_id__in=[s.household_id for s in stops]
    ).select_related("district")
    if walk.target in (Walk.Target.POSTAL, Walk.Target.SUPPORTERS):
        electors = electors.filter(target_filter(walk.target))
    by_household: dict[int, list[Elector]] = {}
    for elector in electors.order_by("number_sort", "number"):
        by_household.setdefault(elector.household_id, []).append(elector)
    sides: list[StreetSide] = []
    for stop in stops:
        household = stop.household
        street, side = household.street.name, household.side
        if not sides or (sides[-1].street, sides[-1].side) != (street, side):
            sides.append(StreetSide(street=street, side=side, doors=[]))
        sides[-1].doors.append(
            Door(household=household, electors=by_household.get(household.pk, []))
        )
    return sides


def walk_printed(*, walk: Walk, actor: Any, kind: str) -> None:
    """Every copy of register data that leaves the site is in the audit log."""
    audit_log(
        actor=actor,
        action=f"canvassing.walk_{kind}",
        obj=walk,
        detail={"walk": str(walk)},
    )


def imprint_for(constituency_id: int) -> Imprint:
    imprint: Imprint | None = Imprint.objects.filter(
        constituency_id=constituency_id
    ).first()
    if imprint is None:
        raise DomainError(
            _(
                "Printed canvassing material must carry an imprint (who promoted it, on "
                "whose behalf, and their address). An officer sets it in the admin: "
                "Canvassing → Imprints."
            )
        )
    return imprint


def walks_pdf(walks: Iterable[Walk], *, imprint: Imprint) -> bytes:
    """The walks as A4 sheets, each page with the imprint at its foot."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from partyhub.pdf import font_for

    buffer = io.BytesIO()
    # Uncompressed page content: the imprint can be checked on every page.
    pdf = Canvas(buffer, pagesize=A4, pageCompression=0)
    width, height = A4
    left, bottom = 15 * mm, 22 * mm
    line = 6 * mm
    columns = [
        (_("Ours"), "O"),
        (_("Other"), "A"),
        (_("Undecided"), "U"),
        (_("Won't say"), "W"),
        (_("Not in"), "N"),
        (_("Poster"), "P"),
        (_("Postal vote"), "PV"),
    ]

    def text(
        x: float, y: float, value: str, size: float = 9, bold: bool = False
    ) -> None:
        pdf.setFont(font_for(value, bold=bold), size)
        pdf.drawString(x, y, value)

    def footer(page: int, title: str) -> None:
        # Every printed page carries the imprint the law requires.
        pdf.setFont(font_for(imprint.text), 8)
        pdf.drawString(left, 10 * mm, imprint.text)
        text(width - 45 * mm, 15 * mm, _("Page %(n)s") % {"n": page}, 8)

    def header(title: str) -> float:
        text(left, height - 16 * mm, title, 13, bold=True)
        key = "  ".join(f"{short} = {label}" for label, short in columns)
        text(left, height - 21 * mm, key, 7)
        y = height - 27 * mm
        text(left, y, _("Address"), 8, bold=True)
        text(left + 95 * mm, y, _("No."), 8, bold=True)
        for i, (_label, short) in enumerate(columns):
            text(left + 120 * mm + i * 9 * mm, y, short, 8, bold=True)
        return y - line

    for walk in walks:
        title = str(walk)
        page = 1
        y = header(title)
        for side in walk_doors(walk):
            heading = side.street + (
                {"odd": _(" (odd side)"), "even": _(" (even side)")}.get(side.side, "")
            )
            rows_needed = 1 + sum(max(1, len(d.electors)) for d in side.doors[:1])
            if y - rows_needed * line < bottom:
                footer(page, title)
                pdf.showPage()
                page += 1
                y = header(title)
            text(left, y, heading, 10, bold=True)
            y -= line
            for door in side.doors:
                for i, elector in enumerate(door.electors or [None]):
                    if y < bottom:
                        footer(page, title)
                        pdf.showPage()
                        page += 1
                        y = header(title)
                    if i == 0:
                        text(left, y, door.household.address[:60], 8)
                    if elector is not None:
                        name = f"{elector.first_name} {elector.last_name}".strip()
                        text(left + 60 * mm, y, name[:30], 8)
                        text(
                            left + 95 * mm,
                            y,
                            elector.number + (" PV" if elector.postal_voter else ""),
                            8,
                        )
                        for c in range(len(columns)):
                            pdf.rect(
                                left + 120 * mm + c * 9 * mm, y - 1, 3 * mm, 3 * mm
                            )
                    y -= line
        footer(page, title)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()
