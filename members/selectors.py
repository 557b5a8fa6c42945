"""Reusable reads about members (HackSoft's selectors): no writes here."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from members.models import (
    Candidate,
    Constituency,
    Interest,
    Membership,
    Person,
    PersonInterest,
)
from members.models.people import PersonQuerySet


def new_member_since(today: datetime.date | None = None) -> datetime.date:
    """The first day a member who joined (or rejoined) counts as new: one setting,
    NEW_MEMBER_DAYS, everywhere."""
    from django.conf import settings

    today = today or timezone.localdate()
    return today - datetime.timedelta(days=settings.NEW_MEMBER_DAYS)


def _ids(items: Iterable[object]) -> list[int]:
    return [getattr(item, "pk", item) for item in items]


def people_with_interests(
    *,
    interests: Iterable[Interest | int],
    constituencies: Iterable[Constituency | int] | None = None,
    wards: Iterable[object] | None = None,
    members_only: bool = False,
) -> PersonQuerySet:
    """People who hold any of `interests` (Interest objects or ids), optionally only
    those living in `constituencies` or `wards`, optionally only members in good
    standing. One row per person, ordered by name: a network uses it to suggest
    whom to invite ("school governors in Hodge Hill").

    Scoping is the caller's job: pass the constituencies the officer may see.
    """
    holders = PersonInterest.objects.filter(
        person=OuterRef("pk"), interest__in=_ids(interests)
    )
    people = Person.objects.filter(Exists(holders))
    if constituencies is not None:
        people = people.filter(constituency__in=_ids(constituencies))
    if wards is not None:
        people = people.filter(ward__in=_ids(wards))
    if members_only:
        people = people.filter(
            Exists(
                Membership.objects.filter(
                    person=OuterRef("pk"), status=Membership.Status.CURRENT
                )
            )
        )
    return people.select_related("constituency", "ward")


@dataclass(frozen=True)
class Eligibility:
    """What a selection panel asks first about someone who wants to stand."""

    good_standing: bool
    member_since: datetime.date | None
    academy_graduated_on: datetime.date | None
    interests: list[str] = field(default_factory=list)

    @property
    def years_of_membership(self) -> int | None:
        if self.member_since is None:
            return None
        today = timezone.localdate()
        years = today.year - self.member_since.year
        if (today.month, today.day) < (self.member_since.month, self.member_since.day):
            years -= 1
        return max(years, 0)


def candidates_with_eligibility(
    queryset: QuerySet[Candidate] | None = None,
) -> QuerySet[Candidate]:
    """Candidates annotated with the facts eligibility is computed from, in one
    query: `good_standing`, `member_since`."""
    queryset = Candidate.objects.all() if queryset is None else queryset
    return queryset.select_related("person", "constituency", "ward").annotate(
        good_standing=Exists(
            Membership.objects.filter(
                person=OuterRef("person"), status=Membership.Status.CURRENT
            )
        ),
        member_since=Min(
            "person__memberships__joined",
            filter=~Q(
                person__memberships__status__in=[
                    Membership.Status.LAPSED,
                    Membership.Status.RESIGNED,
                ]
            ),
        ),
    )


def person_eligibility(person: Person) -> Eligibility:
    memberships = list(person.memberships.all())
    ongoing = [
        m
        for m in memberships
        if m.status in (Membership.Status.CURRENT, Membership.Status.ARREARS)
    ]
    return Eligibility(
        good_standing=any(m.status == Membership.Status.CURRENT for m in memberships),
        # Length of membership counts from the current membership's join date (a
        # rejoiner's clock restarts, as the national register records it).
        member_since=min((m.joined for m in ongoing), default=None),
        academy_graduated_on=person.academy_graduated_on,
        interests=[
            pi.interest.name for pi in person.interests.select_related("interest")
        ],
    )
