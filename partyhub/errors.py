"""The one domain error: something a person can read, after which nothing changed.

Every service raises `DomainError` (or a subclass named for its app) when a rule
refuses a request. It is a `ValidationError`, so a form's `clean()` or
`full_clean()` can raise it through; views, the admin and the portal show it
with `message_of(exc)` — never by joining `exc.messages` themselves.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError


class DomainError(ValidationError):
    """A refusal a person can read. Nothing was changed.

    Every app's error derives from it (NetworkError, EventsError, TransferError,
    ...). `str(exc)` is the readable text too, so a management command or a
    stored `problem` shows the sentence rather than a list's repr."""

    def __str__(self) -> str:
        return message_of(self)


def message_of(exc: ValidationError) -> str:
    """The readable text of a domain or validation error, in one line."""
    return " ".join(str(m) for m in exc.messages)
