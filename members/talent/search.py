"""Plain-words search for the interests register: "school governors in Hodge Hill"
finds people holding "School governor" who live in Hodge Hill.

Two things on top of the admin's own search: each word is reduced to a simple
English singular (governors -> governor, branches -> branch, charities ->
charity) so plural and singular both match, and a constituency or ward name in
the query (after "in", or anywhere when written in full) narrows to that place
instead of being searched for as text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from members.models import Constituency, Ward

# Small words that say nothing about the interest itself.
STOP_WORDS = frozenset({"in", "at", "the", "of", "and", "for", "from", "who", "are"})


def singular(word: str) -> str:
    """A simple English singular, good enough for a "contains" match."""
    lower = word.lower()
    if len(lower) > 4 and lower.endswith("ies"):
        return word[:-3] + "y"
    if len(lower) > 4 and lower.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if len(lower) > 3 and lower.endswith("s") and not lower.endswith(("ss", "us")):
        return word[:-1]
    return word


@dataclass
class InterestQuery:
    words: list[str] = field(default_factory=list)
    constituency_ids: set[int] = field(default_factory=set)
    ward_ids: set[int] = field(default_factory=set)

    @property
    def text(self) -> str:
        return " ".join(self.words)


def _contains_phrase(text: str, phrase: str) -> bool:
    return re.search(rf"\b{re.escape(phrase)}\b", text) is not None


def _remove_phrase(text: str, phrase: str) -> str:
    return re.sub(rf"(\bin\s+)?\b{re.escape(phrase)}\b", " ", text)


def parse_interest_query(
    text: str, constituency_ids: Iterable[int] | None
) -> InterestQuery:
    """Split `text` into singular search words and the places it names.

    Only places in `constituency_ids` (None: every constituency) are recognised,
    so an officer never learns of, or narrows to, another constituency's wards.
    """
    query = InterestQuery()
    lowered = " ".join(text.lower().split())
    constituencies = Constituency.objects.all()
    wards = Ward.objects.all()
    if constituency_ids is not None:
        constituencies = constituencies.filter(pk__in=constituency_ids)
        wards = wards.filter(constituency__in=constituency_ids)
    places = [
        (name.lower(), "constituency", pk)
        for pk, name in constituencies.values_list("pk", "name")
    ] + [(name.lower(), "ward", pk) for pk, name in wards.values_list("pk", "name")]
    # A place written after "in" may be the short form of a longer name
    # ("Hodge Hill" for "Birmingham Hodge Hill").
    after_in = re.search(r"\bin\s+(.+)$", lowered)
    if after_in:
        phrase = after_in.group(1).strip()
        matched = [p for p in places if _contains_phrase(p[0], phrase)]
        if matched:
            for _name, kind, pk in matched:
                (
                    query.constituency_ids if kind == "constituency" else query.ward_ids
                ).add(pk)
            lowered = lowered[: after_in.start()]
    # A place's full name anywhere in the query, longest first.
    for name, kind, pk in sorted(places, key=lambda p: -len(p[0])):
        if name and _contains_phrase(lowered, name):
            (query.constituency_ids if kind == "constituency" else query.ward_ids).add(
                pk
            )
            lowered = _remove_phrase(lowered, name)
    query.words = [singular(word) for word in lowered.split() if word not in STOP_WORDS]
    return query
