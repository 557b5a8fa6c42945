"""How the party spends its time: person-hours by activity from events and
campaign sessions, scoped, drawn as an SVG chart."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from campaigns.models import Session, SessionSignup, Team
from events.models import Booking, Event
from events.selectors import hours_by_activity
from tests import factories
from tests.events.conftest import make_event


def _ago(days, hours=0):
    return timezone.now() - datetime.timedelta(days=days, hours=hours)


def _past_event(clp, kind, hours, days_ago=10, **kw):
    starts = _ago(days_ago)
    return make_event(clp, kind=kind, starts=starts,
                      ends=starts + datetime.timedelta(hours=hours), **kw)  # fmt: skip


def _booked(event, n, *, attended=0, guests=0):
    for i in range(n):
        Booking.objects.create(
            event=event,
            person=factories.PersonFactory(constituency=event.constituencies.first()),
            status="yes",
            guests=guests,
            source="portal",
            attended_at=timezone.now() if i < attended else None,
        )


def _session(clp, hours, signups, came=None, days_ago=5, status="done"):
    team = Team.objects.create(name=f"Team {clp.name}")
    team.constituencies.add(clp)
    starts = _ago(days_ago)
    session = Session.objects.create(
        team=team, starts=starts, ends=starts + datetime.timedelta(hours=hours),
        status=status,
    )  # fmt: skip
    for i in range(signups):
        SessionSignup.objects.create(
            session=session,
            person=factories.PersonFactory(constituency=clp),
            attended=None if came is None else i < came,
        )
    return session


def _hours(ids, days=30):
    rows = hours_by_activity(
        constituency_ids=ids, starts=_ago(days), ends=timezone.now()
    )
    return {r.key: (round(r.hours, 1), r.occasions) for r in rows}


def test_hours_from_events_and_sessions(clp_a, clp_b):
    social = _past_event(clp_a, Event.Kind.SOCIAL, hours=3)
    _booked(social, 4, guests=1)  # nobody checked in: 4 × 2 places × 3 h = 24
    agm = _past_event(clp_a, Event.Kind.ALL_MEMBER_MEETING, hours=2)
    _booked(agm, 10, attended=6)  # checked in: 6 × 2 h = 12
    forum = _past_event(clp_a, Event.Kind.POLICY_FORUM, hours=1.5)
    _booked(forum, 2)  # 3 h
    _past_event(clp_a, Event.Kind.TRAINING, hours=2, status="cancelled")
    _past_event(clp_a, Event.Kind.TRAINING, hours=2, days_ago=90)  # out of period
    _session(clp_a, hours=2, signups=5, came=3)  # 6 h
    _session(clp_a, hours=1, signups=4)  # nobody marked: 4 h
    _session(clp_a, hours=5, signups=9, status="cancelled")
    _booked(_past_event(clp_b, Event.Kind.SOCIAL, hours=10), 10)
    _session(clp_b, hours=10, signups=10)
    got = _hours(frozenset({clp_a.pk}))
    assert got == {
        "campaigning": (10.0, 2),
        "meetings": (12.0, 1),
        "social": (24.0, 1),
        "policy": (3.0, 1),
        "training": (0.0, 0),
    }
    assert _hours(frozenset({clp_b.pk}))["social"] == (100.0, 1)


def test_hours_page_draws_an_svg_chart_for_the_officers_clp(
    client, officer_a, clp_a, clp_b
):
    _booked(_past_event(clp_a, Event.Kind.SOCIAL, hours=2), 5)  # 10 h
    _session(clp_a, hours=1, signups=5)  # 5 h
    _booked(_past_event(clp_b, Event.Kind.SOCIAL, hours=10), 10)
    client.force_login(officer_a)
    url = reverse("admin:events_event_hours")
    page = client.get(url)
    assert page.status_code == 200
    text = page.text
    chart = text.split('<svg class="events-hours-chart"', 1)[1].split("</svg>", 1)[0]
    assert " style=" not in chart and "<script" not in chart
    widths = re.findall(r'<rect x="280" y="\d+" width="([\d.]+)"', text)
    assert [float(w) for w in widths] == [230.0, 0.0, 460.0, 0.0, 0.0]
    assert "15.0 person-hours in all" in text
    today = timezone.localdate()
    assert f'value="{today:%Y-%m-%d}"' in text  # the period shown is filled in
    bad = client.get(url, {"starts": "2026-05-01", "ends": "2026-04-01"})
    assert "The end must not be before the start" in bad.text
    assert "events-hours-chart" not in bad.text
