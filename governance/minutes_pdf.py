"""Minutes as a PDF (reportlab): the page members read, for printing."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate

from partyhub.pdf import document_font


def minutes_pdf_bytes(minutes: Any) -> bytes:
    styles = getSampleStyleSheet()
    for name in ("BodyText",):
        styles[name].fontName = document_font()
    for name in ("Title", "Heading2"):
        styles[name].fontName = document_font(bold=True)
    story: list[Any] = []
    if minutes.status != "approved":
        story.append(
            Paragraph(escape(_("DRAFT — not yet approved")), styles["Heading2"])
        )
    for line in minutes.text.splitlines():
        text = line.strip()
        if not text:
            continue
        if text.startswith("# "):
            story.append(Paragraph(escape(text[2:]), styles["Title"]))
        elif text.startswith("## "):
            story.append(Paragraph(escape(text[3:]), styles["Heading2"]))
        else:
            clean = text.lstrip("> ").replace("**", "")
            story.append(Paragraph(escape(clean), styles["BodyText"]))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=str(minutes),
        leftMargin=20 * mm,
        rightMargin=20 * mm,
    )
    doc.build(story)
    return buffer.getvalue()
