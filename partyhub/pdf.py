"""Fonts for the PDFs partyhub prints: address labels, name badges, submissions.

reportlab's built-in Helvetica draws only Windows-1252 characters: "Łukasz
Wiśniewski" or "Nguyễn" would come out with black boxes. Text that needs more is
drawn in DejaVu Sans when the system has it (Debian: fonts-dejavu-core), or the
TrueType file named by the `PDF_UNICODE_FONT_PATH` setting (and `_BOLD_PATH`).
"""

from __future__ import annotations

import functools
from pathlib import Path

from django.conf import settings
from reportlab.pdfbase.pdfmetrics import registerFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

HELVETICA = {False: "Helvetica", True: "Helvetica-Bold"}
UNICODE_FONT = {False: "PartyhubSans", True: "PartyhubSans-Bold"}
_FOLDERS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
)
UNICODE_FONT_PATHS = {
    False: tuple(f"{folder}/DejaVuSans.ttf" for folder in _FOLDERS),
    True: tuple(f"{folder}/DejaVuSans-Bold.ttf" for folder in _FOLDERS),
}


@functools.cache
def unicode_font(*, bold: bool = False) -> str | None:
    """The registered name of a Unicode font, or None when the system has none."""
    setting = "PDF_UNICODE_FONT_BOLD_PATH" if bold else "PDF_UNICODE_FONT_PATH"
    configured = getattr(settings, setting, "")
    for path in (configured, *UNICODE_FONT_PATHS[bold]):
        if not path or not Path(path).is_file():
            continue
        try:
            registerFont(TTFont(UNICODE_FONT[bold], path))
        except (OSError, TTFError):
            continue  # unreadable: try the next
        return UNICODE_FONT[bold]
    return None


def needs_unicode(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return True
    return False


def font_for(text: str, *, bold: bool = False) -> str:
    """Helvetica for text it can draw (small files), else the Unicode font."""
    if needs_unicode(text):
        return unicode_font(bold=bold) or HELVETICA[bold]
    return HELVETICA[bold]


def document_font(*, bold: bool = False) -> str:
    """One font for a whole flowing document of people's own words: the Unicode
    font when there is one."""
    return unicode_font(bold=bold) or HELVETICA[bold]
