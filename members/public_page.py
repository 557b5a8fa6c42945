"""What a constituency's public page lists, contributed by apps: upcoming public
events, open petitions and surveys, teams to join. Each app registers one function
(one query) from its AppConfig.ready():

    register_listing("events", upcoming_public_events, order=10)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ListingItem:
    title: Any
    url: str = ""
    note: Any = ""


@dataclass(frozen=True)
class Listing:
    key: str
    title: Any
    items: list[ListingItem]
    empty: Any = ""  # shown when there are no items; None hides the listing
    links: list[tuple[Any, str]] = field(default_factory=list)  # (label, url)


Provider = Callable[[Any], Listing | None]
_LISTINGS: dict[str, tuple[int, Provider]] = {}


def register_listing(key: str, provider: Provider, *, order: int = 100) -> None:
    _LISTINGS[key] = (order, provider)


def listings(constituency: Any) -> list[Listing]:
    found = []
    for _order, provider in sorted(_LISTINGS.values(), key=lambda pair: pair[0]):
        listing = provider(constituency)
        if listing is not None and (listing.items or listing.empty):
            found.append(listing)
    return found
