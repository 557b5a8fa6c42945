"""The rules hold on every path (issue 23, "Done when").

A team's rota, an event's capacity and a membership's status are edited three
ways each: through the admin's change form (a client post, as a browser sends
it), the person's page in the admin where it applies (the membership inline),
and the service directly. Each way the same follow-ups run: the old rota's
sessions re-planned and the new rota's made, the waiting list promoted, the
status dates set and the membership signals sent. (No portal page edits these
records: members only read them there.)
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Session, Team
from campaigns.services import team_update
from events.models import Booking, Event
from events.services import event_update, rsvp_create
from members.models import Membership
from members.services import membership_update
from members.signals import members_fell_into_arrears, members_joined
from partyhub.audit.models import AuditEntry
from tests import factories
from tests.events.conftest import make_event

LONDON = ZoneInfo("Europe/London")


# --- a team's rota -------------------------------------------------------------------


def _team(clp):
    from campaigns.services import team_create

    team = Team(
        name="Saturday team",
        weekday=5,
        start_time=datetime.time(10),
        duration_minutes=60,
        every_weeks=1,
        meeting_point="The clock tower",
        timezone="Europe/London",
    )
    team_create(instance=team, actor=None)
    team.constituencies.add(clp)
    return team


def _team_post(team, **fields):
    data = {
        "name": team.name,
        "constituencies": [c.pk for c in team.constituencies.all()],
        "area": "",
        "weekday": str(team.weekday),
        "start_time": team.start_time.strftime("%H:%M"),
        "duration_minutes": str(team.duration_minutes),
        "every_weeks": str(team.every_weeks),
        "meeting_point": team.meeting_point,
        "timezone": team.timezone,
        **fields,
    }
    for prefix in ("teamlead_set", "teammembership_set", "sessions"):
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data


def _rota_of(team):
    planned = Session.objects.filter(team=team, status=Session.Status.PLANNED)
    return {
        (s.starts.astimezone(LONDON).weekday(), s.starts.astimezone(LONDON).time())
        for s in planned
    }


def _move_rota_by_admin(client, officer, team):
    client.force_login(officer)
    response = client.post(
        reverse("admin:campaigns_team_change", args=[team.pk]),
        _team_post(team, weekday="6", start_time="11:00"),
        follow=True,
    )
    assert response.status_code == 200
    assert "8 removed, 0 cancelled" in response.text


def _move_rota_by_service(client, officer, team):
    team_update(
        instance=team,
        changes={"weekday": 6, "start_time": datetime.time(11)},
        actor=officer,
    )


@pytest.mark.parametrize(
    "move", [_move_rota_by_admin, _move_rota_by_service], ids=["admin", "service"]
)
def test_moving_a_rota_replans_its_sessions_on_every_path(
    move, client, officer_a, clp_a
):
    team = _team(clp_a)
    assert _rota_of(team) == {(5, datetime.time(10))}
    assert Session.objects.filter(team=team).count() == 8

    move(client, officer_a, team)

    # The old Saturdays still to come are gone; the new Sundays are made at once.
    assert _rota_of(team) == {(6, datetime.time(11))}
    assert Session.objects.filter(team=team).count() == 8
    entry = AuditEntry.objects.get(action="team.updated")
    assert entry.detail["changes"]["weekday"] == {"old": 5, "new": 6}
    assert entry.actor == officer_a
    assert AuditEntry.objects.filter(action="team.rota_replan").exists()


# --- an event's capacity -------------------------------------------------------------


def _book(event, person):
    return rsvp_create(
        event=event, person=person, answer="yes", guests=0,
        source=Booking.Source.PORTAL, actor=None,
    )  # fmt: skip


def _event_post(event, **changes):
    data = {
        "kind": event.kind,
        "title": event.title,
        "description": "",
        "starts_0": event.starts.astimezone(LONDON).strftime("%Y-%m-%d"),
        "starts_1": event.starts.astimezone(LONDON).strftime("%H:%M:%S"),
        "ends_0": event.ends.astimezone(LONDON).strftime("%Y-%m-%d"),
        "ends_1": event.ends.astimezone(LONDON).strftime("%H:%M:%S"),
        "venue": event.venue,
        "address": "",
        "accessibility": "",
        "constituencies": [c.pk for c in event.constituencies.all()],
        "audience": event.audience,
        "capacity": str(event.capacity),
        "organiser": "",
        "price": "",
        "concession_price": "",
        "bookings-TOTAL_FORMS": "0",
        "bookings-INITIAL_FORMS": "0",
        "bookings-MIN_NUM_FORMS": "0",
        "bookings-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def _grow_by_admin(client, officer, event):
    client.force_login(officer)
    response = client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        _event_post(event, capacity="2"),
        follow=True,
    )
    assert response.status_code == 200
    assert "1 booking promoted from the waiting list." in response.text


def _grow_by_service(client, officer, event):
    written = event_update(instance=event, changes={"capacity": 2}, actor=officer)
    assert [text for _level, text in written.notes] == [
        "1 booking promoted from the waiting list."
    ]


@pytest.mark.parametrize(
    "grow", [_grow_by_admin, _grow_by_service], ids=["admin", "service"]
)
def test_more_capacity_promotes_the_waiting_list_on_every_path(
    grow, client, officer_a, clp_a
):
    event = make_event(clp_a, capacity=1)
    _book(event, factories.PersonFactory(constituency=clp_a))
    waiting = _book(event, factories.PersonFactory(constituency=clp_a))
    assert waiting.status == Booking.Status.WAITING

    grow(client, officer_a, event)

    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.YES
    assert Event.objects.get(pk=event.pk).capacity == 2
    entry = AuditEntry.objects.get(action="event.updated")
    assert entry.detail["changes"]["capacity"] == {"old": 1, "new": 2}


def test_less_capacity_than_booked_is_refused_by_the_service_too(officer_a, clp_a):
    from events.services import EventsError

    event = make_event(clp_a, capacity=2)
    _book(event, factories.PersonFactory(constituency=clp_a))
    _book(event, factories.PersonFactory(constituency=clp_a))
    with pytest.raises(EventsError, match="2 places are booked already"):
        event_update(instance=event, changes={"capacity": 1}, actor=officer_a)
    assert Event.objects.get(pk=event.pk).capacity == 2
    assert not AuditEntry.objects.filter(action="event.updated").exists()


# --- a membership's status ------------------------------------------------------------


@pytest.fixture
def heard():
    """The membership signals sent (after commit), as (signal, ids)."""
    sent: list[tuple[str, list[int]]] = []

    def joined(sender, person_ids, **kw):
        sent.append(("joined", list(person_ids)))

    def arrears(sender, membership_ids, **kw):
        sent.append(("arrears", list(membership_ids)))

    members_joined.connect(joined, dispatch_uid="test-joined")
    members_fell_into_arrears.connect(arrears, dispatch_uid="test-arrears")
    yield sent
    members_joined.disconnect(dispatch_uid="test-joined")
    members_fell_into_arrears.disconnect(dispatch_uid="test-arrears")


@pytest.fixture
def secretary(clp_a):
    """The membership secretary: the officer who edits memberships."""
    return factories.officer(clp_a, role="membership_secretary")


def _membership_post(m, **changes):
    data = {
        "membership_number": m.membership_number,
        "person": str(m.person_id),
        "constituency": str(m.constituency_id),
        "branch": "",
        "status": m.status,
        "joined": m.joined.isoformat(),
        "expires": "",
        "trade_union": "",
    }
    data.update(changes)
    return data


def _status_by_admin(client, officer, m, status):
    client.force_login(officer)
    response = client.post(
        reverse("admin:members_membership_change", args=[m.pk]),
        _membership_post(m, status=status),
    )
    assert response.status_code == 302, response.content[:2000]


def _status_on_the_persons_page(client, officer, m, status):
    """The Person admin page's memberships (inline) with the status changed."""
    client.force_login(officer)
    url = reverse("admin:members_person_change", args=[m.person_id])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: form[name].value() if form[name].value() is not None else ""
        for name in form.fields
        if not name.endswith("_set") and form[name].value() is not None
    }
    for formset in page.context["inline_admin_formsets"]:
        fs = formset.formset
        prefix = fs.prefix
        data |= {
            f"{prefix}-TOTAL_FORMS": str(len(fs.forms)),
            f"{prefix}-INITIAL_FORMS": str(fs.initial_form_count()),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
        for n, f in enumerate(fs.forms):
            for name in f.fields:
                value = f[name].value()
                if value is None or value is False:
                    continue
                if isinstance(value, datetime.date):
                    value = value.isoformat()
                data[f"{prefix}-{n}-{name}"] = value
            if fs.model is Membership and f.instance.pk == m.pk:
                data[f"{prefix}-{n}-status"] = status
    response = client.post(url, data)
    assert response.status_code == 302, [
        (fs.formset.prefix, fs.formset.errors)
        for fs in response.context["inline_admin_formsets"]
    ] + [response.context["adminform"].form.errors]


def _status_by_service(client, officer, m, status):
    membership_update(instance=m, changes={"status": status}, actor=officer)


PATHS = [_status_by_admin, _status_on_the_persons_page, _status_by_service]
PATH_IDS = ["admin", "persons-page", "service"]


@pytest.mark.parametrize("change", PATHS, ids=PATH_IDS)
def test_falling_into_arrears_dates_it_and_sends_the_signal(
    change, client, secretary, clp_a, heard, django_capture_on_commit_callbacks
):
    m = factories.MembershipFactory(person=factories.PersonFactory(constituency=clp_a))
    with django_capture_on_commit_callbacks(execute=True):
        change(client, secretary, m, Membership.Status.ARREARS)
    m.refresh_from_db()
    assert m.status == Membership.Status.ARREARS
    assert m.status_since == timezone.localdate()
    assert m.rejoined_on is None
    assert heard == [("arrears", [m.pk])]
    entry = AuditEntry.objects.get(action="membership.updated")
    assert entry.detail["changes"]["status"] == {"old": "current", "new": "arrears"}


@pytest.mark.parametrize("change", PATHS, ids=PATH_IDS)
def test_a_lapsed_member_rejoining_is_dated_and_welcomed(
    change, client, secretary, clp_a, heard, django_capture_on_commit_callbacks
):
    m = factories.MembershipFactory(
        person=factories.PersonFactory(constituency=clp_a),
        status=Membership.Status.LAPSED,
        status_since=timezone.localdate() - datetime.timedelta(days=200),
    )
    with django_capture_on_commit_callbacks(execute=True):
        change(client, secretary, m, Membership.Status.CURRENT)
    m.refresh_from_db()
    assert m.status == Membership.Status.CURRENT
    assert m.status_since == timezone.localdate()
    assert m.rejoined_on == timezone.localdate()
    assert heard == [("joined", [m.person_id])]


def test_the_status_dates_cannot_be_typed_in(officer_a, clp_a):
    from partyhub.errors import DomainError

    m = factories.MembershipFactory(person=factories.PersonFactory(constituency=clp_a))
    with pytest.raises(DomainError, match="cannot be changed here: status_since"):
        membership_update(
            instance=m,
            changes={"status_since": datetime.date(2001, 1, 1)},
            actor=officer_a,
        )
