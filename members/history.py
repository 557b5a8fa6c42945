"""A person's history and summary, for the admin's person page and the portal.

The entries come from the register of personal data (each app's `timeline=`), so
the page, the export and erasure read one list of what is held. Everything here is
a fixed number of queries whatever the length of the person's history.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.utils import timezone

from partyhub.personal_data.timeline import (
    KINDS,
    TimelineEntry,
    TimelineWindow,
    kind_counts,
    person_entries,
    person_roles,
    person_timeline,
    person_window,
)

PER_PAGE = 50


@dataclass
class History:
    page: Page
    kind: str
    kinds: list[tuple[str, str, int]]
    total: int
    # The scoped entries read whole (not those read a page at a time, which
    # carry no tag the summary counts).
    items: list[TimelineEntry] = field(default_factory=list)
    # The summary's figures of the last 12 months by tag ("attended",
    # "session_done"), counted in the database where the rows are many.
    tags: dict[str, int] = field(default_factory=dict)


def person_history(
    person: Any,
    *,
    constituency_ids: frozenset[int] | None = None,
    own: bool = False,
    kind: str = "",
    page: Any = 1,
    entries: list[TimelineEntry] | None = None,
) -> History:
    """One page of the person's timeline, newest first, filtered by kind.

    Costs a page, not a history: the busy models are counted with one
    aggregate each and only their newest rows that can be on the page are read.
    """
    kind = kind if kind in KINDS else ""
    if entries is None:
        window = person_window(
            person, constituency_ids=constituency_ids, own=own, kind=kind
        )
        total = sum(window.counts.values())
        shown = _Window(window, kind, window.counts.get(kind, 0) if kind else total)
        return History(
            page=Paginator(shown, PER_PAGE).get_page(page),
            kind=kind,
            kinds=[
                (k, str(label), window.counts[k])
                for k, label in KINDS.items()
                if window.counts.get(k)
            ],
            total=total,
            items=window.items,
            tags=window.tags,
        )
    items = person_timeline(
        person, constituency_ids=constituency_ids, own=own, entries=entries
    )
    shown = [i for i in items if i.kind == kind] if kind else items
    year_ago = timezone.now() - datetime.timedelta(days=365)
    tags: dict[str, int] = {}
    for item in items:
        if item.tag and item.when >= year_ago:
            tags[item.tag] = tags.get(item.tag, 0) + 1
    return History(
        page=Paginator(shown, PER_PAGE).get_page(page),
        kind=kind,
        kinds=kind_counts(items),
        total=len(items),
        items=items,
        tags=tags,
    )


class _Window(Sequence):
    """The entries of a kind as the paginator sees them: `size` long, and a
    slice reads only the rows that can be in it."""

    def __init__(self, window: TimelineWindow, kind: str, size: int) -> None:
        self.window, self.kind, self.size = window, kind, size

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            stop = self.size if index.stop is None else min(index.stop, self.size)
            return self.window.page_items(self.kind, stop)[index]
        return self.window.page_items(self.kind, index + 1)[index]


@dataclass
class Summary:
    member_since: datetime.date | None
    status: str
    branch: str
    roles: list[tuple[str, list[str]]]
    attended: int
    sessions: int
    last_contact: Any
    last_contact_by: str
    consents: list[dict[str, Any]]


def person_summary(person: Any, history: History) -> Summary:
    """Roles now, the last 12 months, and how the party may contact them.

    `history` is the timeline as the viewer sees it, so the summary's figures
    are the entries the viewer can count on the page (its `tags`, counted in
    the database for the busy models).
    """
    from members.models import ContactLog, Membership
    from partyhub.comms.models import ConsentEvent, ConsentState

    memberships = list(
        Membership.objects.filter(person=person)
        .select_related("branch")
        .order_by("-joined", "-pk")
    )
    latest = memberships[0] if memberships else None
    contact = (
        ContactLog.objects.filter(person=person)
        .select_related("by_user", "by_person")
        .order_by("-at", "-pk")
        .first()
    )
    by = ""
    if contact is not None:
        if contact.by_person_id:
            by = str(contact.by_person)
        elif contact.by_user_id:
            by = contact.by_user.get_full_name() or contact.by_user.email
    wording = {
        (e.channel, e.topic): e
        for e in ConsentEvent.objects.filter(person=person)
        .order_by("channel", "topic", "-at", "-pk")
        .distinct("channel", "topic")
    }
    consents = [
        {
            "channel": state.get_channel_display(),
            "topic": state.get_topic_display() if state.topic else "",
            "granted": state.granted,
            "at": state.at,
            "how": state.get_method_display(),
            "wording": getattr(
                wording.get((state.channel, state.topic)), "wording", ""
            ),
        }
        for state in ConsentState.objects.filter(person=person).order_by(
            "channel", "topic"
        )
    ]
    return Summary(
        member_since=min((m.joined for m in memberships), default=None),
        status=latest.get_status_display() if latest else "",
        branch=latest.branch.name if latest and latest.branch_id else "",
        roles=person_roles(person),
        attended=history.tags.get("attended", 0),
        sessions=history.tags.get("session_done", 0),
        last_contact=contact,
        last_contact_by=by,
        consents=consents,
    )


__all__ = ["History", "Summary", "person_entries", "person_history", "person_summary"]
