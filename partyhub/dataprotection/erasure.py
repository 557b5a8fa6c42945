"""People removed by the retention schedule go through the personal data register's
erasure, like a person who asked: the same fields blanked, rows deleted, aggregates
kept and suppression entry written."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q


def has_personal_details() -> Q:
    """People with something left to remove: a contact detail, notes or a login.
    Someone already erased, or kept by name only, has none."""
    return (
        ~Q(email="")
        | ~Q(phone="")
        | ~Q(mobile="")
        | ~Q(address_line_1="")
        | ~Q(postcode="")
        | ~Q(notes="")
        | Q(user__isnull=False)
    )


def person_erase_for_retention(
    person: Any, reason: str, *, keep: Iterable[str] = ()
) -> None:
    from partyhub.personal_data import erase_person

    erase_person(person, reason=reason, keep=tuple(keep))
