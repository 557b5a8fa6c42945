"""Personal links: work for one person, for one purpose, until they expire.

Every email carries them (unsubscribe, preferences, RSVP, confirm a signup); none
needs an account. A link is opaque: its payload (a person's id, a booking's id) is
encrypted and authenticated (Fernet: AES and an HMAC) with a key derived from
SECRET_KEY and the link's purpose, so nobody reading a link learns whose it is, and
a link made for one purpose or person is worthless for another. Links made before
(signed, readable payloads: django.core.signing) keep working until they expire.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterable
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class LinkInvalid(Exception):
    """Altered, truncated or made for something else."""


class LinkExpired(Exception):
    """Genuine, but too old."""


class LinkUsed(Exception):
    """Genuine, but for something done once and done already."""


class LinkGone(Exception):
    """Genuine, but what it was for no longer exists (deleted, purged, erased)."""


def _fernet(purpose: str) -> MultiFernet:
    """The keys for `purpose`: from SECRET_KEY, then any SECRET_KEY_FALLBACKS (so a
    rotated key does not break the links already sent)."""
    keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return MultiFernet(
        [
            Fernet(
                base64.urlsafe_b64encode(
                    hmac.new(
                        str(key).encode(),
                        f"partyhub.link.{purpose}".encode(),
                        hashlib.sha256,
                    ).digest()
                )
            )
            for key in keys
        ]
    )


def make_token(purpose: str, person_id: int, **extra: Any) -> str:
    payload = json.dumps({"p": person_id, **extra}, separators=(",", ":"))
    token = _fernet(purpose).encrypt(payload.encode()).decode()
    return token.rstrip("=")  # padding is restored on reading; '=' looks odd in URLs


def read_token(token: str, purpose: str, *, max_age: int) -> dict[str, Any]:
    """The payload ({'p': person id, ...}) of a token made for `purpose`."""
    if ":" in token:
        return _read_signed(token, purpose, max_age=max_age)
    raw = (token + "=" * (-len(token) % 4)).encode()
    fernet = _fernet(purpose)
    try:
        made_at = fernet.extract_timestamp(raw)
        payload = json.loads(fernet.decrypt(raw))
    except (InvalidToken, ValueError, TypeError) as exc:
        raise LinkInvalid from exc
    if time.time() - made_at > max_age:
        raise LinkExpired
    if not isinstance(payload, dict) or "p" not in payload:
        raise LinkInvalid
    return payload


def _read_signed(token: str, purpose: str, *, max_age: int) -> dict[str, Any]:
    """A link in the old form (signed, not encrypted), from an email already sent."""
    try:
        return signing.loads(token, salt=f"partyhub.link.{purpose}", max_age=max_age)
    except signing.SignatureExpired as exc:
        raise LinkExpired from exc
    except signing.BadSignature as exc:
        raise LinkInvalid from exc


# --- the page for a link that does not work ------------------------------------------

# Expired, used and gone links are genuine links that will never work again: 410 Gone.
# An altered or truncated link is a bad request.
LINK_PROBLEM_STATUS = {"expired": 410, "used": 410, "gone": 410, "invalid": 400}


def link_problem(
    request: HttpRequest,
    problem: str = "invalid",
    *,
    what_next: str | None = None,
    next_url: str | None = None,
    next_label: str | None = None,
    more_links: Iterable[tuple[str, str]] = (),
) -> HttpResponse:
    """The one page for every personal link that does not work: what happened,
    that nothing changed, and what to do next (a sentence and, often, a button)."""
    headings = {
        "expired": _("This link has expired"),
        "used": _("This link has been used"),
        "gone": _("This link is no longer in use"),
        "invalid": _("This link does not work"),
    }
    explanations = {
        "expired": _("Links in our emails work for a limited time only."),
        "used": _("This link did its job when it was first used, and works once."),
        "gone": _(
            "What it was for is no longer there: it may have been deleted, or "
            "not confirmed in time."
        ),
        "invalid": _("The link may have been cut short or changed when it was copied."),
    }
    default_next = {
        "expired": _(
            "Use the link in a more recent email, or contact your local party and "
            "we will send you a new one."
        ),
        "used": _("Contact your local party if something still needs doing."),
        "gone": _("Contact your local party if you think this is a mistake."),
        "invalid": _(
            "Use the link exactly as it appears in the email: copy the whole of it."
        ),
    }
    if problem not in LINK_PROBLEM_STATUS:
        problem = "invalid"
    return render(
        request,
        "link_problem.html",
        {
            "problem": problem,
            "expired": problem == "expired",
            "heading": headings[problem],
            "explanation": explanations[problem],
            "what_next": what_next or default_next[problem],
            "next_url": next_url,
            "next_label": next_label,
            "more_links": list(more_links),
        },
        status=LINK_PROBLEM_STATUS[problem],
    )


def link_problem_kind(exc: BaseException) -> str:
    if isinstance(exc, LinkExpired):
        return "expired"
    if isinstance(exc, LinkUsed):
        return "used"
    if isinstance(exc, LinkInvalid):
        return "invalid"
    return "gone"


def link_problem_for(
    request: HttpRequest, exc: BaseException, **kwargs: Any
) -> HttpResponse:
    """link_problem() for the exception a token reader raised."""
    return link_problem(request, link_problem_kind(exc), **kwargs)
