"""Segment criteria that apps contribute, and turning a segment into people.

An app registers what it knows how to select ("members in these statuses", "offered
to display a poster", "booked on this event") from its AppConfig.ready(). A *role*
criterion says why someone is in the segment; roles are combined with OR. A
*filter* narrows (ward, branch, joined after); filters are combined with AND. The
result is a queryset of People, so a person is in it once however many roles put
them there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.apps import apps
from django.db.models import Q, QuerySet

ROLE = "role"
FILTER = "filter"


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    kind: str  # ROLE or FILTER
    # A form field for the value; gets the officer to scope its choices.
    field: Callable[[Any], forms.Field]
    # (value, constituency) -> Q over members.Person
    apply: Callable[[Any, Any], Q]
    # JSON-friendly value <-> form value
    dump: Callable[[Any], Any] = lambda v: v
    load: Callable[[Any], Any] = lambda v: v


def dump_ids(values: Any) -> list[int]:
    """The `dump` of a criterion whose value is a set of records: their ids."""
    return [int(getattr(v, "pk", v)) for v in values]


_REGISTRY: dict[str, Criterion] = {}


def register_criterion(criterion: Criterion) -> None:
    _REGISTRY[criterion.key] = criterion


def criteria() -> list[Criterion]:
    return list(_REGISTRY.values())


def get_criterion(key: str) -> Criterion | None:
    return _REGISTRY.get(key)


def _is_empty(value: Any) -> bool:
    return value in (None, "", [], (), False)


def segment_people(*, constituency: Any, criteria_values: dict[str, Any]) -> QuerySet:
    """The People of `constituency` that the criteria select (before consent)."""
    person_model = apps.get_model("members", "Person")
    people = person_model.objects.filter(constituency=constituency)
    roles = Q()
    any_role = False
    for key, raw in (criteria_values or {}).items():
        criterion = _REGISTRY.get(key)
        if criterion is None or _is_empty(raw):
            continue
        condition = criterion.apply(criterion.load(raw), constituency)
        if criterion.kind == ROLE:
            roles |= condition
            any_role = True
        else:
            people = people.filter(condition)
    if any_role:
        people = people.filter(roles)
    # Conditions may join across memberships and other many-valued relations; the
    # subquery keeps exactly one row per person.
    return person_model.objects.filter(pk__in=people.values("pk"))


@dataclass(frozen=True)
class SegmentPreview:
    """Who a segment selects right now: how many, how many may be emailed, a sample."""

    total: int
    emailable: int
    sample: list[Any]


def segment_preview(
    *,
    constituency: Any,
    criteria_values: dict[str, Any],
    topic: str = "",
    limit: int = 20,
) -> SegmentPreview:
    """Read-only: count and sample the people a segment selects, and how many of
    them could be emailed about `topic` now (consent, no opt-out, no bounce)."""
    from partyhub.comms.consent import contactable

    people = segment_people(constituency=constituency, criteria_values=criteria_values)
    return SegmentPreview(
        total=people.count(),
        emailable=contactable(people, channel="email", topic=topic).count(),
        sample=list(
            people.select_related("ward").order_by("last_name", "first_name", "pk")[
                :limit
            ]
        ),
    )
