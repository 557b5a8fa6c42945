"""The officers' people search, written so that indexes answer it (issue 21.3).

- No join to memberships (which forced a SELECT DISTINCT that no index could
  serve): a term with a digit is first looked up as a membership number, in a
  subquery on its unique index, on its own (OR-ed into the word search it would
  stop PostgreSQL combining the trigram indexes).
- A postcode typed with its space is one term, matched exactly on the stored
  column without the space, `postcode_key` ('b81aa', 'B8 1AA' and 'b8  1aa' all
  find 'B8 1AA'); an outward code alone ('B8', 'sw1a') finds the postcodes that
  begin with it.
- An email is matched exactly on the stored lower-cased `email_key`, and when
  nothing has that address, as the start of one; a phone number in E.164 on
  `phone_e164` and `mobile_e164`. These are generated columns the database keeps
  (members.models.people), each with a btree index (varchar_pattern_ops for the
  prefix look-ups on PostgreSQL).
- Words are matched anywhere in names, email and postcode; on PostgreSQL the
  GIN trigram indexes on upper(...) (migration 0016) serve those LIKEs, and a
  single word also finds names within a typo of it ("Okafor" finds "Okafour")
  by trigram similarity, in the same query. The embedded SQLite default uses plain icontains.
"""

from __future__ import annotations

import re

from django.db import connections
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Upper

from members.postcodes import is_postcode, normalise_postcode
from partyhub.dataprotection.tps import normalise_phone

WORD_FIELDS = ("first_name", "last_name", "email", "postcode")
NAME_FIELDS = ("last_name", "first_name")
_PHONE_LIKE = re.compile(r"^\+?[\d\s()-]{7,}$")
_OUTWARD = re.compile(r"^[A-Za-z]{1,2}\d[A-Za-z\d]?$")


def search_people(queryset: QuerySet, term: str, person: str = "") -> QuerySet:
    """The rows of `queryset` whose person (at the path `person`, "" for Person
    itself, "person__" for a Supporter) matches `term`."""
    term = " ".join(term.split())
    if not term:
        return queryset
    from members.models import Membership

    p = person
    if is_postcode(term):
        key = normalise_postcode(term).replace(" ", "")
        return queryset.filter(**{f"{p}postcode_key": key})
    if _OUTWARD.match(term) and any(c.isdigit() for c in term):
        return queryset.filter(**{f"{p}postcode_key__startswith": term.upper()})
    if "@" in term and " " not in term:
        exact = queryset.filter(**{f"{p}email_key": term.lower()})
        if exact.exists():
            return exact
        return queryset.filter(**{f"{p}email_key__startswith": term.lower()})
    if _PHONE_LIKE.match(term):
        e164 = normalise_phone(term)
        if e164:
            return queryset.filter(
                Q(**{f"{p}phone_e164": e164}) | Q(**{f"{p}mobile_e164": e164})
            )
    if " " not in term and any(c.isdigit() for c in term):
        # A membership number: its own look-up on the unique index, never OR-ed
        # into the words (an OR with a subquery stops PostgreSQL from combining
        # the trigram indexes, and the whole table is scanned).
        numbers = Membership.objects.filter(
            membership_number__in={term, term.upper()}
        ).values("person_id")
        by_number = queryset.filter(**{f"{p}pk__in": numbers})
        if by_number.exists():
            return by_number
    words = Q()
    for word in term.split():
        any_field = Q()
        for field in WORD_FIELDS:
            any_field |= Q(**{f"{p}{field}__icontains": word})
        words &= any_field
    if (
        connections[queryset.db].vendor == "postgresql"
        and " " not in term
        and term.isalpha()
    ):
        # Names within a typo in the same query, not after an exists() that
        # finds nothing: with no match, PostgreSQL reads all 1.5 million rows
        # looking for the first one (6.7 s, bench/EXPLAIN.md), where the
        # trigram indexes answer both at once.
        return queryset.filter(words | _similar_names(term, p))
    return queryset.filter(words)


def _similar_names(term: str, p: str) -> Q:
    # pg_trgm's % operator (similarity above 0.3), on the same upper(...)
    # expressions the GIN trigram indexes hold.
    from django.contrib.postgres.lookups import TrigramSimilar

    similar = Q()
    for field in NAME_FIELDS:
        similar |= Q(TrigramSimilar(Upper(f"{p}{field}"), Value(term.upper())))
    return similar
