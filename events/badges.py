"""Printable name badges: eight to an A4 sheet (2 × 4, 90 × 55 mm, the size of
common badge inserts), first name large, last name below, new members marked so
their hosts and everyone else can say hello."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from partyhub.pdf import font_for

BADGE_W, BADGE_H = 90 * mm, 55 * mm
COLUMNS, ROWS = 2, 4
PER_PAGE = COLUMNS * ROWS
MARGIN_X = (A4[0] - COLUMNS * BADGE_W) / 2
MARGIN_Y = (A4[1] - ROWS * BADGE_H) / 2


@dataclass(frozen=True)
class Badge:
    first_name: str
    last_name: str
    new_member: bool = False


def _fit(text: str, font: str, size: float, width: float) -> float:
    """The largest size up to `size` at which `text` fits in `width`."""
    while size > 8 and stringWidth(text, font, size) > width:
        size -= 1
    return size


def badges_pdf(
    badges: Iterable[Badge], *, title: str = "", compress: bool = True
) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=int(compress))
    pdf.setTitle(title or _("Name badges"))
    inner = BADGE_W - 10 * mm
    badges = list(badges)
    for n, badge in enumerate(badges):
        if n and n % PER_PAGE == 0:
            pdf.showPage()
        slot = n % PER_PAGE
        col, row = slot % COLUMNS, slot // COLUMNS
        x = MARGIN_X + col * BADGE_W
        y = A4[1] - MARGIN_Y - (row + 1) * BADGE_H
        pdf.setStrokeGray(0.7)
        pdf.setDash(2, 2)  # cutting guide
        pdf.rect(x, y, BADGE_W, BADGE_H)
        pdf.setDash()
        centre = x + BADGE_W / 2
        first = badge.first_name or badge.last_name
        bold = font_for(first, bold=True)
        size = _fit(first, bold, 32, inner)
        pdf.setFillGray(0)
        pdf.setFont(bold, size)
        pdf.drawCentredString(centre, y + BADGE_H - 22 * mm, first)
        if badge.first_name and badge.last_name:
            regular = font_for(badge.last_name)
            last_size = _fit(badge.last_name, regular, 16, inner)
            pdf.setFont(regular, last_size)
            pdf.drawCentredString(centre, y + BADGE_H - 32 * mm, badge.last_name)
        if badge.new_member:
            pdf.setFillColorRGB(0.89, 0.0, 0.06)
            pdf.rect(x, y, BADGE_W, 10 * mm, stroke=0, fill=1)
            pdf.setFillGray(1)
            marker = _("New member")
            pdf.setFont(font_for(marker, bold=True), 13)
            pdf.drawCentredString(centre, y + 3.5 * mm, marker)
    if not badges:
        empty = _("Nobody is booked yet.")
        pdf.setFont(font_for(empty), 12)
        pdf.drawString(MARGIN_X, A4[1] - MARGIN_Y, empty)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
