"""A person's timeline, built from the register of personal data.

Each registered model says how its rows read as moments in the person's history
(`timeline=` in its `register()` call): the same register that export and erasure
use, so what a timeline shows cannot drift from what an export gives out or an
erasure removes. A model with nothing to show says why with `NO_TIMELINE(reason)`.

Each contribution costs a fixed number of queries (one, plus its prefetches),
whatever the length of the person's history.

Scoping: an entry names the constituencies whose activity it was (an event's
hosts, a petition's CLP); an empty set means the person's own record (their
membership, consent), which anybody allowed to open the person may see. An officer
sees an activity of another constituency only as "Activity in another
constituency", with its date and nothing else.
"""

from __future__ import annotations

import datetime
import functools
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _gettext

from partyhub.personal_data.registry import entry_for, registered_models

# The kinds a timeline can be filtered by, in the order the filter lists them.
KINDS: dict[str, Any] = {
    "membership": gettext_lazy("Membership"),
    "roles": gettext_lazy("Offices and roles"),
    "supporter": gettext_lazy("Supporter"),
    "events": gettext_lazy("Events"),
    "teams": gettext_lazy("Teams and sessions"),
    "petitions": gettext_lazy("Petitions"),
    "surveys": gettext_lazy("Surveys"),
    "reports": gettext_lazy("Street reports"),
    "networks": gettext_lazy("Networks and forums"),
    "messages": gettext_lazy("Messages"),
    "consent": gettext_lazy("Consent"),
    "contacts": gettext_lazy("Contact log"),
    "mentoring": gettext_lazy("Mentoring"),
    "academy": gettext_lazy("Academy"),
    "data": gettext_lazy("Data requests"),
    "other": gettext_lazy("Other"),
}
OTHER_CONSTITUENCY = gettext_lazy("Activity in another constituency")
# The constituencies of an entry known only to be none of the viewer's.
_ELSEWHERE = frozenset({0})


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime.datetime
    kind: str
    title: str
    detail: str = ""
    url: str = ""
    # The constituencies whose activity this was; empty: the person's own record.
    constituency_ids: frozenset[int] = frozenset()
    # Officers' notes: never shown to the person in the portal.
    officers_only: bool = False
    # What the summary counts: "attended", "session_done", "contact".
    tag: str = ""

    @property
    def kind_label(self) -> str:
        return str(KINDS.get(self.kind, self.kind))


@dataclass(frozen=True)
class NoTimeline:
    """A registered model with nothing to show on a timeline, and why."""

    reason: str


def NO_TIMELINE(reason: Any) -> NoTimeline:  # noqa: N802 — reads as a constant
    return NoTimeline(str(reason))


def as_moment(value: Any) -> datetime.datetime | None:
    """Dates and datetimes on one scale (a date is the start of its day)."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time()))


# (when, title), (when, title, detail) or (when, title, detail, tag)
Moment = tuple[Any, ...]


def timeline_of(
    label: str,
    *,
    kind: str,
    moments: Callable[[Any], Iterable[Moment]],
    constituencies: str | Callable[[Any], Iterable[int]] | None = None,
    select_related: Sequence[str] = (),
    prefetch: Sequence[str] = (),
    only: Sequence[str] = (),
    officers_only: bool = False,
    rows: Callable[[Any], Any] | None = None,
    newest: Any = "",
    where: Callable[[], Q] | None = None,
    scope: Callable[[frozenset[int]], Q] | None = None,
    tag: str = "",
) -> Callable[..., list[TimelineEntry]]:
    """A `timeline=` for a registered model: the person's own rows (as the
    register finds them), each read as one or more (when, title[, detail]).

    `constituencies` is the path of a constituency id on the row
    ("petition.constituency_id") or fn(row) -> ids (a prefetched many-to-many).
    `only` names the columns the moments read (the rows of busy models).

    `newest` is the column (or an expression) whose value is the date of the
    row's one moment: each row with a value is exactly one entry, dated by it,
    and a row without one (NULL) has no entry. A model that names it can be
    read a page at a time: `timeline(person, limit=n)` fetches its n newest rows
    only (ORDER BY newest DESC LIMIT n, in the database), and
    `timeline.counts(person, constituency_ids)` counts its rows in one aggregate
    query instead of building them.

    With `newest`: `where()` narrows the rows that are entries (a booking that
    was not attended, say); `scope(ids)` is the Q of rows an officer of `ids`
    sees as they are, for `constituencies` given as a function (a many-to-many:
    `m2m_scope`); `tag` is the summary's tag of every entry, counted in the
    database by `timeline.tagged(person, constituency_ids, since)`.
    A model whose rows give several moments registers one `timeline_of` for
    each (`timelines(...)`), so each is one entry a row.
    """

    def queryset(person: Any) -> Any:
        if rows is not None:
            return rows(person)
        entry = entry_for(label)
        return None if entry is None else entry.own_queryset(person)

    def dated(qs: Any) -> tuple[Any, str]:
        """The queryset and the name of its column of dates (an expression is
        annotated as `timeline_when`)."""
        if isinstance(newest, str):
            return qs, newest
        return qs.annotate(timeline_when=newest), "timeline_when"

    def scoped() -> bool:
        return isinstance(constituencies, str) or scope is not None

    def in_scope(ids: frozenset[int]) -> Any:
        """Rows an officer of `ids` sees as they are (not as "another constituency")."""
        if scope is not None:
            return scope(ids)
        path = str(constituencies).replace(".", "__")
        return Q(**{f"{path}__in": ids}) | Q(**{f"{path}__isnull": True})

    def entries_of(person: Any) -> Any:
        """The rows that are entries, with their date as `field`."""
        qs = queryset(person)
        if qs is None:
            return None, ""
        qs, field = dated(qs)
        qs = qs.filter(**{f"{field}__isnull": False})
        if where is not None:
            qs = qs.filter(where())
        return qs, field

    def counts(
        person: Any, constituency_ids: frozenset[int] | None = None
    ) -> tuple[int, int]:
        """(rows of this kind, rows shown as another constituency's activity)."""
        qs, _field = entries_of(person)
        if qs is None:
            return 0, 0
        if constituency_ids is None or not scoped():
            return qs.count(), 0
        found = qs.aggregate(
            total=Count("pk"), mine=Count("pk", filter=in_scope(constituency_ids))
        )
        return found["mine"], found["total"] - found["mine"]

    def timeline(
        person: Any,
        *,
        limit: int | None = None,
        constituency_ids: frozenset[int] | None = None,
        viewer: frozenset[int] | None = None,
    ) -> list[TimelineEntry]:
        if newest:
            qs, field = entries_of(person)
        else:
            qs = queryset(person)
        if qs is None:
            return []
        # With `viewer` (the officer's constituencies) and `scope`, the database
        # says whether the officer sees each row as it is: no many-to-many of
        # constituencies to prefetch for every row.
        seen = viewer is not None and scope is not None and bool(newest)
        qs = qs.select_related(*select_related)
        if seen and viewer is not None:
            qs = qs.annotate(
                timeline_seen=ExpressionWrapper(in_scope(viewer), BooleanField())
            )
        else:
            qs = qs.prefetch_related(*prefetch)
        if limit is not None and newest:
            # Only the rows that can be on the page: the newest `limit`, sliced
            # in the database. With `constituency_ids`, only those the officer
            # sees as they are (a filter by kind leaves the others out).
            if constituency_ids is not None and scoped():
                qs = qs.filter(in_scope(constituency_ids))
            qs = qs.order_by(F(field).desc(), "-pk")[:limit]
        if only:
            # The columns the moments read: a long history builds thousands of
            # rows, and a Person or login joined in full is most of the cost.
            qs = qs.only(*only)
        result = []
        for obj in qs:
            if seen:
                # Seen as it is, or another constituency's (no id is 0).
                ids: frozenset[int] = frozenset() if obj.timeline_seen else _ELSEWHERE
            elif constituencies is None:
                ids = frozenset()
            elif callable(constituencies):
                ids = frozenset(constituencies(obj))
            else:
                value = _resolve(obj, constituencies)
                ids = frozenset() if value is None else frozenset((value,))
            for moment in moments(obj):
                when = as_moment(moment[0])
                if when is None:
                    continue
                result.append(
                    TimelineEntry(
                        when=when,
                        kind=kind,
                        title=str(moment[1]),
                        detail=str(moment[2] or "") if len(moment) > 2 else "",
                        constituency_ids=ids,
                        officers_only=officers_only,
                        tag=moment[3] if len(moment) > 3 else tag,
                    )
                )
        return result

    def tagged(person: Any, constituency_ids: frozenset[int] | None, since: Any) -> int:
        """How many entries (all tagged `tag`) since `since` the viewer sees as
        they are: one COUNT, for the summary."""
        qs, field = entries_of(person)
        if qs is None or not tag:
            return 0
        qs = qs.filter(**{f"{field}__gte": since})
        if constituency_ids is not None and scoped():
            qs = qs.filter(in_scope(constituency_ids))
        count: int = qs.count()
        return count

    timeline.rows_of = queryset  # type: ignore[attr-defined]
    timeline.kind = kind  # type: ignore[attr-defined]
    timeline.newest = newest  # type: ignore[attr-defined]
    timeline.officers_only = officers_only  # type: ignore[attr-defined]
    timeline.counts = counts  # type: ignore[attr-defined]
    timeline.tag = tag  # type: ignore[attr-defined]
    timeline.tagged = tagged  # type: ignore[attr-defined]
    return timeline


def timelines(*parts: Callable[..., list[TimelineEntry]]) -> Callable[..., Any]:
    """One `timeline=` made of several `timeline_of`s of the same model (one for
    each moment of a row, so each can be counted and read a page at a time)."""

    def timeline(person: Any, **kwargs: Any) -> list[TimelineEntry]:
        return [item for part in parts for item in part(person, **kwargs)]

    timeline.parts = parts  # type: ignore[attr-defined]
    return timeline


def present(person: Any, fns: Sequence[Any]) -> list[bool]:
    """Whether each registered `timeline=` has any rows for the person, in one
    query (an EXISTS for each), so the page reads only the models the person has
    rows in: a round trip for each of some fifty models is most of what a short
    history costs on a busy machine."""
    found = [True] * len(fns)
    querysets: list[Any] = []
    for i, fn in enumerate(fns):
        rows_of = getattr(parts_of(fn)[0], "rows_of", None)
        qs = rows_of(person) if rows_of is not None else None
        if rows_of is not None and qs is None:
            found[i] = False
        querysets.append(qs)
    for i, has in enumerate(exist(querysets)):
        if has is not None:
            found[i] = has
    return found


def exist(querysets: Sequence[Any]) -> list[bool | None]:
    """Whether each queryset has a row, in one query: None for what is not a
    queryset (or a union, which cannot be probed) and was not asked.

    Each probe is compiled on its own and the EXISTS put side by side: no outer
    query to annotate, whose relabelling of some fifty subqueries cost more than
    compiling them (a person's probes name the person by id, so need nothing
    from outside)."""
    from django.core.exceptions import EmptyResultSet
    from django.db import connections
    from django.db.models import QuerySet

    found: list[bool | None] = [None] * len(querysets)
    probes: list[tuple[int, str]] = []
    params: list[Any] = []
    using: str | None = None
    for i, qs in enumerate(querysets):
        if not isinstance(qs, QuerySet) or qs.query.combinator:
            continue
        using = using or qs.db
        try:
            sql, found_params = qs.query.exists().get_compiler(using).as_sql()
        except EmptyResultSet:
            found[i] = False
            continue
        probes.append((i, f"EXISTS({sql})"))
        params.extend(found_params)
    if probes and using is not None:
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(sql for _i, sql in probes), params)
            row = cursor.fetchone()
        for (i, _sql), value in zip(probes, row, strict=True):
            found[i] = bool(value)
    return found


def parts_of(fn: Any) -> tuple[Any, ...]:
    """The `timeline_of`s a registered `timeline=` is made of."""
    return tuple(getattr(fn, "parts", (fn,)))


@functools.cache
def _choices(model: type, name: str) -> dict[Any, Any]:
    return dict(model._meta.get_field(name).flatchoices)


# Translations remembered per language, for the length of a timeline's build: a
# title is translated once per page, not once for each of thousands of rows (a
# lookup walks every catalogue, and asking for the language is not free either).
_TABLES: dict[str | None, dict[Any, str]] = {}
_state = threading.local()


def _table() -> dict[Any, str]:
    table = getattr(_state, "table", None)
    if table is None:
        table = _TABLES.setdefault(get_language(), {})
    return table


def gettext(message: str) -> str:
    """`gettext` for timeline titles (see `_TABLES`)."""
    table = _table()
    found = table.get(message)
    if found is None:
        found = table[message] = _gettext(message)
    return found


def label_of(obj: Any, name: str) -> str:
    """`obj.get_<name>_display()` without rebuilding the choices for every row."""
    value = getattr(obj, name)
    key = (type(obj), name, value)
    table = _table()
    found = table.get(key)
    if found is None:
        found = table[key] = str(_choices(type(obj), name).get(value, value))
    return found


def m2m_scope(path: str, through: Callable[[], Any]) -> Callable[..., Q]:
    """`scope=` for constituencies on a many-to-many: the row is in scope when
    the object at `path` (an id column, "event_id") shares a constituency with the
    viewer's, or has none (the person's own record). `through()` gives the
    many-to-many's rows as (object id, constituency id): ("event_id", ...)."""

    def scope(ids: frozenset[int]) -> Q:
        from django.db.models import Exists, OuterRef

        model, column = through()
        rows = model.objects.filter(**{column: OuterRef(path)})
        return Q(Exists(rows.filter(constituency_id__in=ids))) | ~Q(Exists(rows))

    return scope


def m2m_ids(path: str) -> Callable[[Any], list[int]]:
    """Constituency ids of a prefetched many-to-many ("event.constituencies")."""

    def ids(obj: Any) -> list[int]:
        manager = _resolve(obj, path)
        # get_queryset() hands back the prefetched rows without cloning a
        # queryset for every row (.all() would).
        return [] if manager is None else [c.pk for c in manager.get_queryset()]

    return ids


def _resolve(obj: Any, path: str) -> Any:
    for part in path.split("."):
        if obj is None:
            return None
        obj = getattr(obj, part, None)
    return obj


def person_entries(person: Any) -> list[TimelineEntry]:
    """Every entry of the person's history, unscoped and unsorted."""
    result: list[TimelineEntry] = []
    _state.table = _TABLES.setdefault(get_language(), {})
    try:
        for entry in registered_models():
            if callable(entry.timeline):
                result.extend(entry.timeline(person))
    finally:
        _state.table = None
    return result


def person_timeline(
    person: Any,
    *,
    constituency_ids: frozenset[int] | None = None,
    own: bool = False,
    kinds: Iterable[str] | None = None,
    entries: list[TimelineEntry] | None = None,
) -> list[TimelineEntry]:
    """The person's timeline, newest first.

    For an officer: `constituency_ids` as `partyhub.scoping.constituency_ids`
    gives them (None: every constituency). For the person themselves: `own=True`,
    which leaves out officers' notes and shows everything else.
    """
    items = person_entries(person) if entries is None else entries
    wanted = set(kinds) if kinds else None
    result = []
    for item in items:
        if own:
            if item.officers_only:
                continue
        elif (
            constituency_ids is not None
            and item.constituency_ids
            and not (item.constituency_ids & constituency_ids)
        ):
            item = TimelineEntry(
                when=item.when,
                kind="other",
                title=str(OTHER_CONSTITUENCY),
                constituency_ids=item.constituency_ids,
            )
        if wanted is not None and item.kind not in wanted:
            continue
        result.append(item)
    result.sort(key=lambda item: item.when, reverse=True)
    return result


def kind_counts(items: Iterable[TimelineEntry]) -> list[tuple[str, str, int]]:
    """(kind, label, how many) for the kinds present, in the filter's order."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    return [(k, str(label), counts[k]) for k, label in KINDS.items() if k in counts]


# --- roles now: what the summary at the top of a person's page lists ---------------

RolesFn = Callable[[Any], list[tuple[str, list[str]]]]
RowsFn = Callable[[Any], Iterable[Any]]
_ROLES: list[tuple[int, RolesFn, RowsFn | None]] = []


def register_roles(fn: RolesFn, *, order: int = 50, rows: RowsFn | None = None) -> None:
    """An app's part of "roles now": fn(person) -> [(heading, [names])], in a
    fixed number of queries. `rows(person)` gives the querysets fn reads (when
    none has a row, fn is not called: its headings would be empty)."""
    if fn not in [f for _o, f, _r in _ROLES]:
        _ROLES.append((order, fn, rows))
        _ROLES.sort(key=lambda row: row[0])


def person_roles(person: Any) -> list[tuple[str, list[str]]]:
    """Roles now, from every app's part; an app that names the rows its part
    reads (`rows=`) is asked only when one of them exists, which one query of
    EXISTS finds for every app together: most people hold no role, and each
    part is several small queries."""
    probes: list[Any] = []
    spans = []
    for _order, _fn, rows in _ROLES:
        found = list(rows(person)) if rows is not None else []
        spans.append((len(probes), len(found)))
        probes.extend(found)
    has = exist(probes)
    result = []
    for (_order, fn, rows), (start, count) in zip(_ROLES, spans, strict=True):
        if rows is not None and not any(has[start : start + count]):
            continue
        result.extend((str(h), names) for h, names in fn(person) if names)
    return result


# --- one page of a timeline, at the cost of the page -------------------------------


@dataclass
class TimelineWindow:
    """What one page of a person's timeline needs: how many entries there are of
    each kind, and the newest entries that can be on the page."""

    counts: dict[str, int]
    # The summary's tags ("attended", ...): entries since `since` the viewer
    # sees as they are, counted in the database for models read a page at a time.
    tags: dict[str, int]
    # The scoped entries fetched (all of them for models read whole, the newest
    # `limit` for models read a page at a time), newest first, unfiltered.
    items: list[TimelineEntry]
    _pages: list[tuple[Callable[..., list[TimelineEntry]], bool]]
    _person: Any
    _constituency_ids: frozenset[int] | None
    _own: bool

    def page_items(self, kind: str, limit: int) -> list[TimelineEntry]:
        """The newest `limit` entries of `kind` ("" for every kind), newest first.

        Fetches the newest `limit` rows of each model read a page at a time
        (one query each, whatever the history's length) and merges them with
        the entries already read.
        """
        fetched: list[TimelineEntry] = []
        _state.table = _TABLES.setdefault(get_language(), {})
        try:
            for fn, filtered in self._pages:
                if kind and fn.kind != kind:
                    continue
                fetched.extend(
                    fn(
                        self._person,
                        limit=limit,
                        constituency_ids=self._constituency_ids if filtered else None,
                        viewer=None if self._own else self._constituency_ids,
                    )
                )
        finally:
            _state.table = None
        merged = self.items + person_timeline(
            self._person,
            constituency_ids=self._constituency_ids,
            own=self._own,
            entries=fetched,
        )
        if kind:
            merged = [i for i in merged if i.kind == kind]
        merged.sort(key=lambda item: item.when, reverse=True)
        return merged[:limit]


def person_window(
    person: Any,
    *,
    constituency_ids: frozenset[int] | None = None,
    own: bool = False,
    kind: str = "",
    since: datetime.datetime | None = None,
) -> TimelineWindow:
    """Counts per kind and the entries of models read whole; the busy models
    (those whose `timeline_of` names `newest`) are counted with one aggregate
    query each and read a page at a time by `TimelineWindow.page_items`.

    A filter by "other" (another constituency's activity) reads every model whole.

    `tags` counts the summary's tagged entries since `since` (default: a year ago).
    """
    whole: list[TimelineEntry] = []
    counts: dict[str, int] = {}
    tags: dict[str, int] = {}
    untallied: list[TimelineEntry] = []  # read whole: tags counted here
    pages = []
    if since is None:
        since = timezone.now() - datetime.timedelta(days=365)
    viewer = None if own else constituency_ids
    _state.table = _TABLES.setdefault(get_language(), {})
    try:
        fns = [e.timeline for e in registered_models() if callable(e.timeline)]
        for registered in [
            f for f, has in zip(fns, present(person, fns), strict=True) if has
        ]:
            for fn in parts_of(registered):
                if own and getattr(fn, "officers_only", False):
                    continue
                if not getattr(fn, "newest", ""):
                    read = fn(person)
                    whole.extend(read)
                    untallied.extend(read)
                    continue
                if getattr(fn, "tag", ""):
                    found = fn.tagged(person, viewer, since)
                    if found:
                        tags[fn.tag] = tags.get(fn.tag, 0) + found
                if kind == "other":
                    whole.extend(fn(person))
                    continue
                mine, other = fn.counts(person, viewer)
                if mine:
                    counts[fn.kind] = counts.get(fn.kind, 0) + mine
                if other:
                    counts["other"] = counts.get("other", 0) + other
                pages.append((fn, bool(kind) and not own))
    finally:
        _state.table = None
    items = person_timeline(
        person, constituency_ids=constituency_ids, own=own, entries=whole
    )
    for item in items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    for item in person_timeline(
        person, constituency_ids=constituency_ids, own=own, entries=untallied
    ):
        if item.tag and item.when >= since:
            tags[item.tag] = tags.get(item.tag, 0) + 1
    return TimelineWindow(
        counts=counts,
        tags=tags,
        items=items,
        _pages=pages,
        _person=person,
        _constituency_ids=constituency_ids,
        _own=own,
    )
