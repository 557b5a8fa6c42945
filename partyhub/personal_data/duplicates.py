"""Likely duplicate People in an officer's constituencies, and the merge screen's
side-by-side view. Matching is on normalised values: the same email (case, spaces,
Gmail's dots and +tags ignored); the same name and postcode; the same phone number
(spaces and +44 ignored)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partyhub.personal_data.core import TRAIL_LABELS
from partyhub.personal_data.registry import registered_models

# What the officer picks, field by field, on the merge screen.
MERGE_FIELDS = (
    ("first_name", gettext_lazy("First name")),
    ("last_name", gettext_lazy("Last name")),
    ("email", gettext_lazy("Email")),
    ("phone", gettext_lazy("Phone")),
    ("mobile", gettext_lazy("Mobile")),
    ("address_line_1", gettext_lazy("Address")),
    ("address_line_2", gettext_lazy("Address line 2")),
    ("town", gettext_lazy("Town")),
    ("postcode", gettext_lazy("Postcode (with its ward)")),
    ("accessibility_needs", gettext_lazy("Accessibility needs")),
    ("availability", gettext_lazy("When they can help")),
)


def person_model():
    return apps.get_model("members", "Person")


def normal_email(email: str) -> str:
    email = (email or "").strip().lower()
    if "@" not in email:
        return ""
    local, domain = email.rsplit("@", 1)
    if domain in ("gmail.com", "googlemail.com"):
        local = local.split("+", 1)[0].replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"


def normal_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("44"):
        digits = "0" + digits[2:]
    return digits if len(digits) >= 9 else ""


def normal_name(first: str, last: str, postcode: str) -> str:
    postcode = re.sub(r"\s", "", postcode or "").upper()
    if not postcode:
        return ""
    return f"{(first or '').strip().lower()}|{(last or '').strip().lower()}|{postcode}"


@dataclass
class Pair:
    first: Any
    second: Any
    reasons: list[str]


def likely_duplicates(user: Any, *, limit: int = 200) -> list[Pair]:
    """Pairs of People the user may see that look like one human, first found first."""
    people = (
        person_model()
        .objects.in_constituencies(user)
        .filter(erased_at__isnull=True)
        .only(
            "pk", "first_name", "last_name", "email", "phone", "mobile", "postcode",
            "constituency",
        )
        .order_by("pk")
    )  # fmt: skip
    groups: dict[tuple[str, str], list[Any]] = defaultdict(list)
    by_pk = {}
    for person in people:
        by_pk[person.pk] = person
        keys = [
            ("email", normal_email(person.email)),
            ("name", normal_name(person.first_name, person.last_name, person.postcode)),
            ("phone", normal_phone(person.phone)),
            ("phone", normal_phone(person.mobile)),
        ]
        for kind, key in keys:
            if key and person not in groups[(kind, key)]:
                groups[(kind, key)].append(person)
    labels = {
        "email": _("same email"),
        "name": _("same name and postcode"),
        "phone": _("same phone number"),
    }
    found: dict[tuple[int, int], Pair] = {}
    for (kind, _key), members in groups.items():
        for other in members[1:]:
            pair_key = (members[0].pk, other.pk)
            pair = found.setdefault(pair_key, Pair(members[0], other, []))
            if labels[kind] not in pair.reasons:
                pair.reasons.append(labels[kind])
    return sorted(found.values(), key=lambda p: (p.first.pk, p.second.pk))[:limit]


def side_by_side(survivor: Any, merged: Any) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "label": label,
            "mine": getattr(survivor, name),
            "other": getattr(merged, name),
            "differ": getattr(survivor, name) != getattr(merged, name),
        }
        for name, label in MERGE_FIELDS
    ]


def row_counts(survivor: Any, merged: Any) -> list[dict[str, Any]]:
    """How many rows of each kind each record has: what the merge moves."""
    rows = []
    for entry in registered_models():
        if entry.label == "members.Person" or entry.label in TRAIL_LABELS:
            continue
        mine = entry.own_queryset(survivor).count()
        other = entry.own_queryset(merged).count()
        if mine or other:
            rows.append({"describe": entry.describe, "mine": mine, "other": other})
    return rows
