"""Raising capacity moves the waiting list up; the public booking form has a
per-IP hourly allowance."""

import time

import pytest
from django.urls import reverse

from events.models import Booking, Event
from events.services import rsvp_create, waiting_list_promote
from partyhub.forms import started_token
from supporters.models import SignupRequest
from tests.events.conftest import event_admin_form, make_event, member


def _book(event, person, guests=0):
    return rsvp_create(
        event=event, person=person, answer="yes", guests=guests,
        source=Booking.Source.PORTAL, actor=None,
    )  # fmt: skip


def _statuses(*bookings):
    for booking in bookings:
        booking.refresh_from_db()
    return [b.status for b in bookings]


def test_raising_capacity_in_the_admin_promotes_the_waiting_list_in_order(
    client, officer_a, clp_a, mailoutbox
):
    event = make_event(clp_a, capacity=1)
    _book(event, member(clp_a))
    first, second, third = (_book(event, member(clp_a)) for _ in range(3))
    assert _statuses(first, second, third) == ["waiting"] * 3
    client.force_login(officer_a)
    data = event_admin_form(event, constituencies=[clp_a.pk], capacity="3")
    response = client.post(reverse("admin:events_event_change", args=[event.pk]), data)
    assert response.status_code == 302
    assert _statuses(first, second, third) == ["yes", "yes", "waiting"]
    assert event.places_taken() == 3


def test_unlimited_capacity_promotes_everyone_and_drafts_promote_nobody(clp_a):
    event = make_event(clp_a, capacity=1)
    _book(event, member(clp_a))
    waiting = [_book(event, member(clp_a), guests=1) for _ in range(2)]
    Event.objects.filter(pk=event.pk).update(capacity=None)
    promoted = waiting_list_promote(event=event, actor=None)
    assert [b.pk for b in promoted] == [b.pk for b in waiting]
    assert waiting_list_promote(event=event, actor=None) == []


def test_promotion_is_first_come_first_served(clp_a):
    event = make_event(clp_a, capacity=1)
    _book(event, member(clp_a))
    big = _book(event, member(clp_a), guests=2)  # needs 3
    small = _book(event, member(clp_a))
    Event.objects.filter(pk=event.pk).update(capacity=3)
    assert waiting_list_promote(event=event, actor=None) == []
    assert _statuses(big, small) == ["waiting", "waiting"]
    Event.objects.filter(pk=event.pk).update(capacity=5)
    promoted = waiting_list_promote(event=event, actor=None)
    assert [b.pk for b in promoted] == [big.pk, small.pk]


@pytest.fixture
def public_event(clp_a):
    return make_event(clp_a, audience=Event.Audience.PUBLIC)


def test_public_booking_form_has_an_hourly_allowance_per_ip(
    client, settings, public_event
):
    settings.EVENTS_PUBLIC_BOOKINGS_PER_IP_PER_HOUR = 2
    url = reverse("events:detail", args=[public_event.pk])

    def post(n, ip="203.0.113.9", guests="0"):
        return client.post(
            url,
            {"first_name": "Vera", "last_name": "V", "guests": guests,
             "email": f"v{n}@example.org", "website": "",
             "started": started_token(time.time() - 10)},
            REMOTE_ADDR=ip,
        )  # fmt: skip

    assert post(1).status_code == 200
    assert post(2).status_code == 200
    refused = post(3)
    assert refused.status_code == 429
    assert "Please try again later" in refused.text
    assert SignupRequest.objects.count() == 2
    # Another address is not held back.
    assert post(4, ip="198.51.100.7").status_code == 200
    assert SignupRequest.objects.count() == 3


def test_guests_count_towards_the_per_ip_allowance(client, settings, public_event):
    """One address cannot take most of an event by bringing five guests a time:
    the allowance counts places, not posts."""
    settings.EVENTS_PUBLIC_BOOKINGS_PER_IP_PER_HOUR = 20
    url = reverse("events:detail", args=[public_event.pk])
    statuses = [
        client.post(
            url,
            {"first_name": "Bot", "last_name": "B", "guests": "5",
             "email": f"b{n}@example.org", "website": "",
             "started": started_token(time.time() - 10)},
            REMOTE_ADDR="203.0.113.50",
        ).status_code
        for n in range(16)
    ]  # fmt: skip
    assert statuses.count(200) == 3  # 3 × 6 places; the fourth would pass 20
    places = sum(1 + r.data["guests"] for r in SignupRequest.objects.all())
    assert places <= 20
