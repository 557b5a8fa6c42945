"""People removed by the retention schedule go through the register of personal
data (`partyhub.personal_data.erase_person`), like a person who asked: the same
fields blanked, rows deleted and aggregates kept. No suppression entry is written:
someone whose details lapsed may sign up again."""

from __future__ import annotations

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


def person_erase_for_retention(person: Any, reason: str) -> None:
    from partyhub.personal_data import erase_person

    erase_person(person, reason=reason)


def person_keep_name_only(person: Any, reason: str, *, kept: tuple[str, ...]) -> None:
    """Erase everything but the name and the `kept` models' rows (a former member
    who agreed to stay on record by name)."""
    from partyhub.personal_data import erase_person

    first, last = person.first_name, person.last_name
    erase_person(person, reason=reason, keep={label: reason for label in kept})
    type(person)._base_manager.filter(pk=person.pk).update(
        first_name=first, last_name=last
    )
