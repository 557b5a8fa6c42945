"""Booking: capacity is never exceeded, the waiting list promotes itself,
members-only events refuse supporters, double clicks make one booking."""

import threading
import time

import pytest
from django.db import connection
from django.urls import reverse

from events.models import Booking, Event
from events.services import (
    EventsError,
    event_cancel,
    event_publish,
    rsvp_cancel,
    rsvp_create,
    waiting_list_promote,
)
from partyhub.audit.models import AuditEntry
from partyhub.forms import started_token
from supporters.models import SignupRequest
from tests import factories
from tests.events.conftest import event_admin_form, make_event, member

YES = Booking.Status.YES


def book(event, person, answer=YES, guests=0):
    return rsvp_create(
        event=event,
        person=person,
        answer=answer,
        guests=guests,
        source=Booking.Source.PORTAL,
        actor=None,
    )


def test_booking_beyond_capacity_goes_on_waiting_list(event, clp_a):
    first, second, third = (member(clp_a) for _ in range(3))
    assert book(event, first).status == YES
    assert book(event, second).status == YES
    assert book(event, third).status == Booking.Status.WAITING
    assert event.places_taken() == 2


def test_guests_count_against_capacity(event, clp_a):
    assert book(event, member(clp_a), guests=2).status == Booking.Status.WAITING
    assert book(event, member(clp_a), guests=1).status == YES
    assert event.places_taken() == 2


def test_double_click_makes_one_booking(event, clp_a):
    person = member(clp_a)
    book(event, person)
    book(event, person)
    assert Booking.objects.filter(event=event, person=person).count() == 1
    assert event.places_taken() == 1


def test_changing_answer_from_yes_frees_the_place(event, clp_a):
    a, b, c = (member(clp_a) for _ in range(3))
    book(event, a)
    book(event, b)
    waiting = book(event, c)
    book(event, a, answer=Booking.Status.NO)
    waiting.refresh_from_db()
    assert waiting.status == YES


def test_cancel_promotes_first_waiting_booking(event, clp_a):
    a, b, c, d = (member(clp_a) for _ in range(4))
    booking_a = book(event, a)
    book(event, b)
    first_waiting = book(event, c)
    second_waiting = book(event, d)
    promoted = rsvp_cancel(booking=booking_a, actor=None)
    assert [p.pk for p in promoted] == [first_waiting.pk]
    first_waiting.refresh_from_db()
    second_waiting.refresh_from_db()
    assert first_waiting.status == YES
    assert second_waiting.status == Booking.Status.WAITING
    assert event.places_taken() == 2
    assert AuditEntry.objects.filter(action="event.booking_promoted").count() == 1
    # Cancelling twice changes nothing.
    assert rsvp_cancel(booking=booking_a, actor=None) == []


def test_cancel_does_not_let_a_smaller_party_jump_the_queue(event, clp_a):
    a, b, c = (member(clp_a) for _ in range(3))
    booking_a = book(event, a)
    book(event, b)
    big = book(event, c, guests=1)  # needs 2 places, 1 comes free
    small = book(event, member(clp_a))
    rsvp_cancel(booking=booking_a, actor=None)
    big.refresh_from_db()
    small.refresh_from_db()
    assert big.status == Booking.Status.WAITING
    assert small.status == Booking.Status.WAITING


def test_members_only_event_refuses_supporters(clp_a):
    event = make_event(clp_a, audience=Event.Audience.MEMBERS)
    supporter = factories.PersonFactory(constituency=clp_a)
    with pytest.raises(EventsError, match="members only"):
        book(event, supporter)
    assert not Booking.objects.exists()
    assert book(event, member(clp_a)).status == YES


def test_draft_and_cancelled_events_refuse_bookings(clp_a):
    draft = make_event(clp_a, status=Event.Status.DRAFT)
    with pytest.raises(EventsError):
        book(draft, member(clp_a))
    event_publish(event=draft, actor=None)
    assert book(draft, member(clp_a)).status == YES
    event_cancel(event=draft, actor=None)
    with pytest.raises(EventsError):
        book(draft, member(clp_a))
    with pytest.raises(EventsError):
        event_publish(event=draft, actor=None)


@pytest.mark.django_db(transaction=True)
def test_two_sessions_booking_the_last_place_at_once(clp_a):
    event = make_event(clp_a, capacity=1)
    people = [member(clp_a) for _ in range(2)]
    barrier = threading.Barrier(2)
    errors = []

    def session(person):
        try:
            barrier.wait()
            book(event, person)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=session, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    statuses = sorted(Booking.objects.values_list("status", flat=True))
    assert statuses == [Booking.Status.WAITING, YES]
    assert event.places_taken() == 1


def test_twenty_places_the_21st_waits_and_is_promoted_on_a_cancellation(clp_a):
    event = make_event(clp_a, capacity=20)
    bookings = [book(event, member(clp_a)) for _ in range(21)]
    assert [b.status for b in bookings].count(YES) == 20
    assert bookings[20].status == Booking.Status.WAITING
    rsvp_cancel(booking=bookings[7], actor=None)
    bookings[20].refresh_from_db()
    assert bookings[20].status == YES
    assert event.places_taken() == 20


def _book(event, person, guests=0):
    return rsvp_create(
        event=event, person=person, answer="yes", guests=guests,
        source=Booking.Source.PORTAL, actor=None,
    )  # fmt: skip


def _statuses(*bookings):
    for booking in bookings:
        booking.refresh_from_db()
    return [b.status for b in bookings]


@pytest.fixture
def public_event(clp_a):
    return make_event(clp_a, audience=Event.Audience.PUBLIC)


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
