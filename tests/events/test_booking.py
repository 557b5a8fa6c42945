"""Booking: capacity is never exceeded, the waiting list promotes itself,
members-only events refuse supporters, double clicks make one booking."""

import threading

import pytest
from django.db import connection

from events.models import Booking, Event
from events.services import (
    EventsError,
    event_cancel,
    event_publish,
    rsvp_cancel,
    rsvp_create,
)
from partyhub.audit.models import AuditEntry
from tests import factories
from tests.events.conftest import make_event, member

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
