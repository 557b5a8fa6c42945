"""Signed links: work for one person, for one purpose, until they expire.

Every email carries them (unsubscribe, preferences, RSVP, confirm a signup); none
needs an account. The payload is signed with SECRET_KEY and a per-purpose salt, so a
link made for one purpose or person is worthless for another.
"""

from __future__ import annotations

from typing import Any

from django.core import signing


class LinkInvalid(Exception):
    """Altered, truncated or made for something else."""


class LinkExpired(Exception):
    """Genuine, but too old."""


def make_token(purpose: str, person_id: int, **extra: Any) -> str:
    return signing.dumps(
        {"p": person_id, **extra}, salt=f"partyhub.link.{purpose}", compress=True
    )


def read_token(token: str, purpose: str, *, max_age: int) -> dict[str, Any]:
    """The payload ({'p': person id, ...}) of a token made for `purpose`."""
    try:
        return signing.loads(token, salt=f"partyhub.link.{purpose}", max_age=max_age)
    except signing.SignatureExpired as exc:
        raise LinkExpired from exc
    except signing.BadSignature as exc:
        raise LinkInvalid from exc
