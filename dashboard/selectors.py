"""What the officers' home page reads: the to-do counts, what is coming up.

Every count is built from the same filter as the list it links to: the item holds
the model, the lookups for the database and the query string for the admin's
changelist, so the number on the home page is the number of rows the list shows.
Counts on one model share one aggregate query, so the page's query count does not
grow with the data.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib.admin import AdminSite
from django.db.models import Count, F, Min, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.desk.selectors import desk_conditions
from members.models import Membership
from partyhub.personal_data.models import DataRequest
from partyhub.scoping import constituency_ids, current_offices

# What each role works on first; the rest of the page follows in its usual order.
TOPIC_ORDER_BY_ROLE: dict[str, tuple[str, ...]] = {
    "membership_secretary": ("desk", "privacy", "supporters"),
    "social_secretary": ("events", "supporters"),
    "campaign_coordinator": ("campaigns", "supporters"),
    "volunteer_manager": ("supporters", "campaigns"),
    "treasurer": ("finance", "desk"),
    "political_education": ("networks", "events"),
    "secretary": ("privacy", "desk", "messages"),
    "chair": ("desk", "finance", "events", "campaigns"),
}
DEFAULT_TOPICS = (
    "desk",
    "privacy",
    "supporters",
    "networks",
    "events",
    "campaigns",
    "messages",
    "finance",
)


@dataclass
class Todo:
    key: str
    topic: str
    label: Any
    count: int
    url: str
    due: datetime.date | None = None


@dataclass
class TodoSpec:
    """One to-do: a list in the admin and the filter that makes it."""

    key: str
    topic: str
    label: Any
    admin_url: str  # "app_model" of the changelist
    params: dict[str, str] = field(default_factory=dict)


def _changelist_url(name: str, params: dict[str, str]) -> str:
    url = reverse(f"admin:{name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def _can_view(site: AdminSite, request: HttpRequest, model) -> bool:
    model_admin = site._registry.get(model)
    return model_admin is not None and model_admin.has_view_permission(request)


def role_keys(user) -> list[str]:
    return sorted({role for role, _cid in current_offices(user)})


def topic_order(user) -> list[str]:
    """The officer's own work first (in the order of their first office's list),
    then everything else."""
    order: list[str] = []
    for role in role_keys(user):
        for topic in TOPIC_ORDER_BY_ROLE.get(role, ()):
            if topic not in order:
                order.append(topic)
    return order + [t for t in DEFAULT_TOPICS if t not in order]


# --- the to-do counts -------------------------------------------------------------

DESK_TODOS = (
    ("uncontacted", _("New members nobody has contacted yet")),
    ("no_mentor", _("New members without a mentor")),
    ("new_arrears", _("Newly in arrears")),
    ("lapsing", _("About to lapse")),
)


def open_data_requests(constituencies: frozenset[int] | None) -> QuerySet:
    """Open subject access and erasure requests, the soonest due first: the
    privacy register's own selector, so the home and the digest count what its
    list shows."""
    from partyhub.personal_data.selectors import open_data_requests as requests

    return requests(constituencies)


def _desk_todos(ids) -> list[Todo]:
    conditions = desk_conditions()
    counts = (
        Membership.objects.for_constituency_ids(ids)
        .order_by()
        .aggregate(
            **{key: Count("pk", filter=conditions[key]) for key, _ in DESK_TODOS}
        )
    )
    return [
        Todo(
            key=f"desk_{key}",
            topic="desk",
            label=label,
            count=counts[key],
            url=_changelist_url("members_deskmembership", {"list": key}),
        )
        for key, label in DESK_TODOS
    ]


def _privacy_todos(ids) -> list[Todo]:
    first = open_data_requests(ids).aggregate(
        n=Count("pk"), due=Min(Coalesce("extended_to", "deadline"))
    )
    return [
        Todo(
            key="data_requests",
            topic="privacy",
            label=_("Open requests about personal data"),
            count=first["n"],
            url=_changelist_url(
                "personal_data_datarequest", {"status__in": "open,approved"}
            ),
            due=first["due"],
        )
    ]


def _supporter_todos(ids) -> list[Todo]:
    from supporters.models import Ask, SignupRequest
    from supporters.selectors import asks_with_replies_to_act_on

    unconfirmed = (
        SignupRequest.objects.for_constituency_ids(ids)
        .filter(confirmed_at__isnull=True)
        .count()
    )
    asks = (
        Ask.objects.for_constituency_ids(ids)
        .filter(asks_with_replies_to_act_on())
        .count()
    )
    return [
        Todo(
            key="unconfirmed_signups",
            topic="supporters",
            label=_("Signups waiting for their email to be confirmed"),
            count=unconfirmed,
            url=_changelist_url(
                "supporters_signuprequest", {"confirmed_at__isempty": "1"}
            ),
        ),
        Todo(
            key="ask_replies",
            topic="supporters",
            label=_("Asks with new offers of help to act on"),
            count=asks,
            url=_changelist_url("supporters_ask", {"replies": "act_on"}),
        ),
    ]


def _network_todos(ids) -> list[Todo]:
    from networks.models import NetworkMembership

    pending = (
        NetworkMembership.objects.for_constituency_ids(ids)
        .filter(status=NetworkMembership.Status.PENDING)
        .count()
    )
    return [
        Todo(
            key="join_requests",
            topic="networks",
            label=_("Requests to join a network"),
            count=pending,
            url=_changelist_url(
                "networks_networkmembership", {"status__exact": "pending"}
            ),
        )
    ]


def _message_todos(user) -> list[Todo]:
    from partyhub.comms.selectors import messages_needing_attention

    count = messages_needing_attention(user).order_by().count()
    return [
        Todo(
            key="messages_attention",
            topic="messages",
            label=_("Messages needing attention"),
            count=count,
            url=_changelist_url("comms_message", {"attention": "yes"}),
        )
    ]


def _finance_todos(user) -> list[Todo]:
    """Donations waiting for a decision, and those past the 30 days (PPERA):
    for the treasurer, chair and their delegates only (finance.access)."""
    import datetime as _dt

    from django.conf import settings

    from finance.access import finance_constituencies
    from finance.selectors import (
        decision_counts,
        lottery_returns_outstanding,
        missed_payments,
    )

    ids = finance_constituencies(user)
    if ids is not None and not ids:
        return []
    counts = decision_counts(ids)
    returns = lottery_returns_outstanding(ids)
    first = counts["first"]
    due = first + _dt.timedelta(days=settings.FINANCE_DECISION_DAYS) if first else None
    return [
        Todo(
            key="donations_overdue",
            topic="finance",
            label=_("Donations not accepted or returned within 30 days"),
            count=counts["overdue"],
            url=_changelist_url("finance_donation", {"decision": "overdue"}),
            due=due,
        ),
        Todo(
            key="donations_waiting",
            topic="finance",
            label=_("Donations waiting to be accepted or returned"),
            count=counts["waiting"],
            url=_changelist_url("finance_donation", {"decision": "waiting"}),
            due=due,
        ),
        Todo(
            key="standing_orders_missed",
            topic="finance",
            label=_("Standing orders with a missed payment"),
            count=len(missed_payments(ids)),
            url=_changelist_url("finance_standingorder", {"missed": "yes"}),
        ),
        Todo(
            key="lottery_returns",
            topic="finance",
            label=_("Lottery returns due to the local authority"),
            count=len(returns),
            url=_changelist_url(
                "finance_lottery",
                {"return_sent_on__isnull": "True", "drawn_at__isnull": "False"},
            ),
            due=returns[0][1] if returns else None,
        ),
    ]


def _todo_models():
    from networks.models import NetworkMembership
    from partyhub.comms.models import Message
    from supporters.models import Ask, SignupRequest

    return {
        "desk": "members.DeskMembership",
        "privacy": DataRequest,
        "unconfirmed_signups": SignupRequest,
        "ask_replies": Ask,
        "join_requests": NetworkMembership,
        "messages_attention": Message,
    }


def todos(site: AdminSite, request: HttpRequest) -> list[Todo]:
    """The to-do counts the officer may act on, their own work first."""
    from django.apps import apps

    user = request.user
    ids = constituency_ids(user)
    models = _todo_models()
    desk_model = apps.get_model(models["desk"])
    items: list[Todo] = []
    if _can_view(site, request, desk_model):
        items += _desk_todos(ids)
    if _can_view(site, request, models["privacy"]):
        items += _privacy_todos(ids)
    items += [
        t for t in _supporter_todos(ids) if _can_view(site, request, models[t.key])
    ]
    if _can_view(site, request, models["join_requests"]):
        items += _network_todos(ids)
    if _can_view(site, request, models["messages_attention"]):
        items += _message_todos(user)
    items += _finance_todos(user)
    return sort_by_topic(items, topic_order(user))


def sort_by_topic(items: Iterable, order: list[str]) -> list:
    rank = {topic: n for n, topic in enumerate(order)}
    return sorted(items, key=lambda t: rank.get(t.topic, len(rank)))


# --- coming up ----------------------------------------------------------------------


@dataclass
class ComingEvent:
    event: Any
    taken: int
    door_url: str | None
    waiting: int = 0


@dataclass
class ComingUp:
    events: list[ComingEvent]
    sessions: list[Any]
    messages: list[Any]
    newsletter: Any | None
    next_quarter: str
    next_quarter_starts: datetime.date


def coming_up(request: HttpRequest, *, limit: int = 5) -> ComingUp:
    from campaigns.models import Session
    from events.models import Booking, Event
    from partyhub.comms.models import Message
    from partyhub.comms.newsletter import next_quarter

    ids = constituency_ids(request.user)
    now = timezone.now()
    today = timezone.localdate()
    events = (
        Event.objects.for_constituency_ids(ids)
        .filter(status=Event.Status.PUBLISHED, ends__gte=now)
        .annotate(
            _taken=Coalesce(
                Sum(
                    F("bookings__guests") + 1,
                    filter=Q(bookings__status=Booking.Status.YES),
                ),
                0,
            ),
            _waiting=Count(
                "bookings", filter=Q(bookings__status=Booking.Status.WAITING)
            ),
        )
        .order_by("starts", "pk")[:limit]
    )
    coming_events = []
    for event in events:
        door = None
        if timezone.localtime(event.starts).date() == today:
            try:
                door = reverse("admin:events_event_door", args=[event.pk])
            except NoReverseMatch:
                door = None
        coming_events.append(
            ComingEvent(
                event=event, taken=event._taken, door_url=door, waiting=event._waiting
            )
        )
    sessions = list(
        Session.objects.for_constituency_ids(ids)
        .filter(
            status=Session.Status.PLANNED,
            starts__gte=now,
            starts__lt=now + datetime.timedelta(days=7),
        )
        .select_related("team")
        .annotate(signed_up=Count("signups"))
        .order_by("starts", "pk")[: limit * 2]
    )
    scheduled = Message.objects.for_constituency_ids(ids).filter(
        status=Message.Status.SCHEDULED
    )
    messages = list(
        scheduled.filter(kind=Message.Kind.MESSAGE).order_by("send_at", "pk")[:limit]
    )
    newsletter = (
        Message.objects.for_constituency_ids(ids)
        .filter(kind=Message.Kind.NEWSLETTER, send_at__gte=now)
        .exclude(status=Message.Status.CANCELLED)
        .order_by("send_at", "pk")
        .first()
    )
    label, starts = next_quarter(today)
    return ComingUp(
        events=coming_events,
        sessions=sessions,
        messages=messages,
        newsletter=newsletter,
        next_quarter=label,
        next_quarter_starts=starts,
    )
