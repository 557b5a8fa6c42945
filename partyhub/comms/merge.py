"""Merge fields in messages: {first_name}, {constituency} (the CLP's name) and
{ward}, filled in for each recipient when the email is written. An unknown
{field} is refused when the message is composed, so none is ever sent."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _

FIELDS = {
    "first_name": _("the person's first name"),
    "constituency": _("the constituency party's name"),
    "ward": _("the person's ward"),
}
_FIELD = re.compile(r"\{\s*([A-Za-z_][A-Za-z0-9_ ]*?)\s*\}")


def unknown_fields(text: str) -> list[str]:
    return sorted({m.group(1) for m in _FIELD.finditer(text or "")} - set(FIELDS))


def to_placeholders(text: str) -> str:
    """{first_name} -> %%MERGE_FIRST_NAME%%, filled per recipient."""
    return _FIELD.sub(
        lambda m: (
            f"%%MERGE_{m.group(1).upper()}%%" if m.group(1) in FIELDS else m.group(0)
        ),
        text or "",
    )


def values_for(person: Any) -> dict[str, str]:
    constituency = getattr(person, "constituency", None)
    ward = getattr(person, "ward", None)
    return {
        "%%MERGE_FIRST_NAME%%": person.first_name or str(_("friend")),
        "%%MERGE_CONSTITUENCY%%": constituency.name if constituency else "",
        "%%MERGE_WARD%%": ward.name if ward else "",
    }


def personal_values(person_id: int) -> dict[str, str]:
    from members.models import Person

    person = (
        Person._base_manager.select_related("constituency", "ward")
        .filter(pk=person_id)
        .first()
    )
    return values_for(person) if person is not None else {}


def help_text() -> str:
    return str(
        _("You can use %(fields)s; each is filled in for every recipient.")
        % {"fields": ", ".join(f"{{{k}}} ({v})" for k, v in FIELDS.items())}
    )
