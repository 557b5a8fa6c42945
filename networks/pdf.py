"""The network's submission as a PDF (reportlab): the introduction, then for each
section the network's response and the members' comments it was drafted from."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from partyhub.pdf import document_font


def _paragraphs(text: str, style) -> list:
    # reportlab's Paragraph reads a small XML dialect: escape everything people wrote.
    return [
        Paragraph(escape(block).replace("\n", "<br/>"), style)
        for block in text.strip().split("\n\n")
        if block.strip()
    ]


def submission_pdf_bytes(
    *, consultation: Any, sections: list, submission: Any | None
) -> bytes:
    styles = getSampleStyleSheet()
    # Members' names and words in any alphabet: one Unicode font when there is one.
    for name in ("BodyText", "Italic"):
        styles[name].fontName = document_font()
    for name in ("Title", "Heading2", "Heading3"):
        styles[name].fontName = document_font(bold=True)
    body, small = styles["BodyText"], styles["Italic"]
    story: list = [
        Paragraph(escape(consultation.title), styles["Title"]),
        Paragraph(
            escape(
                _("Submission of %(network)s") % {"network": consultation.network.name}
            ),
            styles["Heading3"],
        ),
    ]
    if consultation.document:
        story.append(Paragraph(escape(consultation.document), body))
    if submission is not None and submission.submitted_on:
        story.append(
            Paragraph(
                escape(
                    _("Submitted on %(date)s")
                    % {"date": submission.submitted_on.isoformat()}
                ),
                body,
            )
        )
    if submission is not None and submission.introduction:
        story += _paragraphs(submission.introduction, body)
    for section in sections:
        story.append(
            Paragraph(escape(f"{section.number}. {section.title}"), styles["Heading2"])
        )
        if section.response:
            story += _paragraphs(section.response, body)
        comments = list(section.comments.all())
        if comments:
            story.append(
                Paragraph(escape(_("Comments from the network's members")), small)
            )
        for comment in comments:
            name = comment.person.full_name if comment.person else _("(removed)")
            story += _paragraphs(f"{comment.body}\n— {name}", body)
        story.append(Spacer(1, 4 * mm))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=consultation.title,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
    )
    doc.build(story)
    return buffer.getvalue()
