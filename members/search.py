"""The officers' people search, written so that indexes answer it (issue 21.3).

- No join to memberships (which forced a SELECT DISTINCT that no index could
  serve): a membership number is matched in a subquery on its unique index.
- A postcode typed with its space is one term, matched exactly on the stored
  normalised form ('b81aa', 'B8 1AA' and 'b8  1aa' all find 'B8 1AA').
- An email is matched exactly on lower(email) (person_email_idx), a phone number
  on the usual spellings of it (person_phone_idx, person_mobile_idx).
- Words are matched anywhere in names, email and postcode; on PostgreSQL the
  GIN trigram indexes on upper(...) (migration 0016) serve those LIKEs, and when
  nothing matches, a name within a typo ("Okafor" for "Okafour") is found by
  trigram similarity. The embedded SQLite default uses plain icontains.
"""

from __future__ import annotations

import re

from django.db import connections
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Lower, Upper

from members.postcodes import is_postcode, normalise_postcode
from partyhub.dataprotection.tps import normalise_phone

WORD_FIELDS = ("first_name", "last_name", "email", "postcode")
NAME_FIELDS = ("last_name", "first_name")
_PHONE_LIKE = re.compile(r"^\+?[\d\s()-]{7,}$")


def _phone_spellings(term: str) -> set[str]:
    e164 = normalise_phone(term)
    if e164 is None:
        return set()
    spellings = {term, e164, re.sub(r"\D", "", term)}
    if e164.startswith("+44"):
        national = "0" + e164[3:]
        spellings |= {national, f"{national[:5]} {national[5:]}"}
        spellings.add(f"{national[:4]} {national[4:7]} {national[7:]}")
    return spellings


def search_people(queryset: QuerySet, term: str, person: str = "") -> QuerySet:
    """The rows of `queryset` whose person (at the path `person`, "" for Person
    itself, "person__" for a Supporter) matches `term`."""
    term = " ".join(term.split())
    if not term:
        return queryset
    from members.models import Membership

    p = person
    if is_postcode(term):
        return queryset.filter(**{f"{p}postcode": normalise_postcode(term)})
    if "@" in term and " " not in term:
        exact = queryset.alias(_email=Lower(f"{p}email")).filter(_email=term.lower())
        if exact.exists():
            return exact
    if _PHONE_LIKE.match(term):
        spellings = _phone_spellings(term)
        if spellings:
            return queryset.filter(
                Q(**{f"{p}phone__in": spellings}) | Q(**{f"{p}mobile__in": spellings})
            )
    numbers = Membership.objects.filter(
        membership_number__in={term, term.upper()}
    ).values("person_id")
    words = Q()
    for word in term.split():
        any_field = Q()
        for field in WORD_FIELDS:
            any_field |= Q(**{f"{p}{field}__icontains": word})
        words &= any_field
    found = queryset.filter(words | Q(**{f"{p}pk__in": numbers}))
    if (
        connections[queryset.db].vendor == "postgresql"
        and " " not in term
        and term.isalpha()
        and not found.exists()
    ):
        return _similar_names(queryset, term, p)
    return found


def _similar_names(queryset: QuerySet, term: str, p: str) -> QuerySet:
    # pg_trgm's % operator (similarity above 0.3), on the same upper(...)
    # expressions the GIN trigram indexes hold.
    from django.contrib.postgres.lookups import TrigramSimilar

    similar = Q()
    for field in NAME_FIELDS:
        similar |= Q(TrigramSimilar(Upper(f"{p}{field}"), Value(term.upper())))
    return queryset.filter(similar)
