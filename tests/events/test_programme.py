"""The year's programme: planned slots and published events by month, gaps shown,
each CLP its own."""

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Event, ProgrammeSlot
from events.selectors import programme_year
from tests import factories
from tests.events.conftest import make_event

YEAR = timezone.localdate().year + 1


def _at(month, day=10):
    return datetime.datetime(
        YEAR, month, day, 19, 0, tzinfo=timezone.get_current_timezone()
    )


def _slot(clp, month, title, kind="social", **kw):
    return ProgrammeSlot.objects.create(
        constituency=clp, year=YEAR, month=month, kind=kind, title=title, **kw
    )


def test_year_shows_planned_and_published_and_the_gaps(clp_a, clp_b):
    owner = factories.PersonFactory(constituency=clp_a)
    barbecue = make_event(clp_a, title="Barbecue", starts=_at(7))
    _slot(clp_a, 7, "Summer barbecue", owner=owner, event=barbecue)
    _slot(clp_a, 12, "Christmas party", owner=owner)
    make_event(clp_a, title="Quiz", starts=_at(3))
    make_event(clp_a, title="AGM", kind=Event.Kind.ALL_MEMBER_MEETING, starts=_at(5))
    make_event(clp_a, title="Draft social", starts=_at(9), status="draft")
    make_event(clp_b, title="Their social", starts=_at(1))
    _slot(clp_b, 2, "Their slot")
    months = programme_year(constituency=clp_a, year=YEAR)
    social = [m.month for m in months if m.has_social]
    assert social == [3, 7, 12]
    assert [e.title for e in months[4].events] == ["AGM"]  # not social: May a gap
    assert [s.title for s in months[11].slots_without_event] == ["Christmas party"]
    assert months[6].slots_without_event == []
    assert months[8].events == []  # drafts are not published


def test_year_page_for_officers_scoped(client, officer_a, officer_b, clp_a, clp_b):
    _slot(clp_a, 6, "Hodge Hill picnic")
    _slot(clp_b, 6, "Reading regatta")
    url = reverse("admin:events_programmeslot_year")
    client.force_login(officer_a)
    page = client.get(url, {"year": YEAR})
    assert page.status_code == 200
    text = re.sub(r"\s+", " ", page.text)
    assert "Hodge Hill picnic" in text
    assert "Reading regatta" not in text
    assert "No social event planned or published in:" in text
    assert "January" in text
    assert "1 planned slot has no event set up yet" in text
    # Asking for another CLP's year is refused.
    other = client.get(url, {"year": YEAR, "constituency": clp_b.pk})
    assert "Reading regatta" not in other.text
    assert "That choice is not on the list" in other.text
    client.force_login(officer_b)
    assert "Reading regatta" in client.get(url, {"year": YEAR}).text
    this_year = client.get(url)  # unasked: this year, the officer's CLP
    assert f'value="{YEAR - 1}"' in this_year.text
    assert "Reading West — " in this_year.text


def test_year_page_queries_do_not_grow(client, officer_a, clp_a):
    url = reverse("admin:events_programmeslot_year")
    client.force_login(officer_a)
    _slot(clp_a, 1, "One", owner=factories.PersonFactory(constituency=clp_a))
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"year": YEAR})
    for month in range(2, 12):
        event = make_event(clp_a, starts=_at(month))
        _slot(clp_a, month, f"Slot {month}", event=event,
              owner=factories.PersonFactory(constituency=clp_a))  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        client.get(url, {"year": YEAR})
    assert len(many) == len(few)


def test_officer_adds_a_slot_in_the_admin(client, officer_a, clp_a):
    client.force_login(officer_a)
    response = client.post(
        reverse("admin:events_programmeslot_add"),
        {"constituency": clp_a.pk, "year": YEAR, "month": 13, "kind": "social",
         "title": "Bad month", "owner": "", "event": "", "notes": ""},
    )  # fmt: skip
    assert response.status_code == 200
    assert not ProgrammeSlot.objects.exists()
    response = client.post(
        reverse("admin:events_programmeslot_add"),
        {"constituency": clp_a.pk, "year": YEAR, "month": 4, "kind": "social",
         "title": "Spring social", "owner": "", "event": "", "notes": ""},
    )  # fmt: skip
    assert response.status_code == 302
    assert ProgrammeSlot.objects.get().title == "Spring social"
