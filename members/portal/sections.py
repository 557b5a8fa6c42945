"""The portal's sections: later issues append theirs (my events, my teams…).

from members.portal.sections import PortalSection, register_section
register_section(PortalSection("events", _("My events"), "events:mine",
                               _("Events you are booked on."), order=40))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class PortalSection:
    key: str
    title: Any
    url_name: str
    description: Any = ""
    order: int = 100


_SECTIONS: dict[str, PortalSection] = {}


def register_section(section: PortalSection) -> None:
    """Add (or replace, by key) a section of the portal's home page and menu."""
    _SECTIONS[section.key] = section


def sections() -> list[PortalSection]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


for _section in (
    PortalSection(
        "details",
        _("My details"),
        "portal:details",
        _("Your name, address, phone numbers, access needs and when you can help."),
        order=10,
    ),
    PortalSection(
        "contact",
        _("How the party may contact me"),
        "portal:contact",
        _("Email, phone, text and post, and which kinds of email you get."),
        order=20,
    ),
    PortalSection(
        "interests",
        _("My interests and skills"),
        "portal:interests",
        _("What you know and care about, so the right people can ask you."),
        order=30,
    ),
    PortalSection(
        "history",
        _("My history"),
        "portal:history",
        _("Events, teams, petitions, surveys, networks and the emails we sent you."),
        order=85,
    ),
    PortalSection(
        "data",
        _("My data"),
        "portal:data",
        _("Download everything held about you, or ask for it to be erased."),
        order=90,
    ),
):
    register_section(_section)


# --- "Coming up" on the portal's home page ---------------------------------------
# Each app that takes bookings or sign-ups registers one function: given the
# person and the time now, it returns their upcoming items in one query.


@dataclass(frozen=True)
class ComingUpItem:
    starts: Any  # an aware datetime
    title: Any
    url: str
    note: Any = ""  # "On the waiting list", "Campaign session"…


ComingUpProvider = Any  # Callable[[Person, datetime], Iterable[ComingUpItem]]
_COMING_UP: dict[str, ComingUpProvider] = {}


def register_coming_up(key: str, provider: ComingUpProvider) -> None:
    """Add (or replace, by key) a source of the person's upcoming items."""
    _COMING_UP[key] = provider


def coming_up(person: Any, *, limit: int = 5) -> list[ComingUpItem]:
    """The person's next few bookings and sign-ups, soonest first."""
    from django.utils import timezone

    now = timezone.now()
    items: list[ComingUpItem] = []
    for key in sorted(_COMING_UP):
        items.extend(_COMING_UP[key](person, now))
    return sorted(items, key=lambda item: item.starts)[:limit]
