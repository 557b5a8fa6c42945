"""Reminders through communications: the day before, exactly once even if the
beat tick runs twice; cancelling a booking cancels its reminder; cancelling an
event tells everyone booked, once."""

import datetime

from django.utils import timezone

from events.models import Booking
from events.services import (
    REMINDER_DAY_BEFORE,
    event_cancel,
    rsvp_cancel,
    rsvp_create,
)
from partyhub.comms.models import Delivery, Reminder
from tests.events.conftest import forget_booked_email, make_event, member
from tests.helpers import send_all_mail


def book(event, person):
    booking = rsvp_create(
        event=event,
        person=person,
        answer=Booking.Status.YES,
        guests=0,
        source=Booking.Source.PORTAL,
        actor=None,
    )
    forget_booked_email()
    return booking


def test_day_before_reminder_goes_out_exactly_once(clp_a, mailoutbox):
    event = make_event(clp_a)
    person = member(clp_a)
    book(event, person)
    book(event, person)  # scheduled twice: still one reminder
    reminder = Reminder.objects.get(kind=REMINDER_DAY_BEFORE)
    assert reminder.due_at == event.starts - datetime.timedelta(days=1)

    send_all_mail()
    assert mailoutbox == []  # not due yet
    later = event.starts - datetime.timedelta(hours=12)
    send_all_mail(now=later)
    send_all_mail(now=later)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [person.email]
    assert event.title in mailoutbox[0].subject
    assert Delivery.objects.count() == 1


def test_cancelling_a_booking_cancels_its_reminder(clp_a, mailoutbox):
    event = make_event(clp_a)
    booking = book(event, member(clp_a))
    rsvp_cancel(booking=booking, actor=None)
    assert set(Reminder.objects.values_list("status", flat=True)) == {
        Reminder.Status.CANCELLED
    }
    send_all_mail(now=event.starts)
    assert mailoutbox == []


def test_rebooking_after_cancelling_revives_the_reminder(clp_a, mailoutbox):
    event = make_event(clp_a)
    person = member(clp_a)
    rsvp_cancel(booking=book(event, person), actor=None)
    book(event, person)
    assert set(Reminder.objects.values_list("status", flat=True)) == {
        Reminder.Status.PENDING
    }
    send_all_mail(now=event.starts)
    assert len(mailoutbox) == 2  # the day before and on the day


def test_promotion_tells_the_person_and_schedules_their_reminder(clp_a, mailoutbox):
    event = make_event(clp_a, capacity=1)
    first = book(event, member(clp_a))
    waiting_person = member(clp_a)
    book(event, waiting_person)
    rsvp_cancel(booking=first, actor=None)
    send_all_mail()
    send_all_mail()
    assert [m.to for m in mailoutbox] == [[waiting_person.email]]
    assert "You have a place" in mailoutbox[0].subject
    assert Reminder.objects.filter(
        kind=REMINDER_DAY_BEFORE, person=waiting_person, status="pending"
    ).exists()


def test_cancelling_an_event_notifies_everyone_booked_once(clp_a, mailoutbox):
    event = make_event(clp_a, capacity=1)
    people = [member(clp_a) for _ in range(3)]
    book(event, people[0])
    book(event, people[1])  # waiting
    rsvp_create(
        event=event,
        person=people[2],
        answer=Booking.Status.NO,
        source=Booking.Source.PORTAL,
        actor=None,
    )
    event_cancel(event=event, actor=None)
    event_cancel(event=event, actor=None)
    send_all_mail()
    send_all_mail()
    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.email for p in people[:2])
    assert all("Cancelled" in m.subject for m in mailoutbox)
    # The day-before reminder is gone with the event.
    send_all_mail(now=event.starts)
    assert len(mailoutbox) == 2
    assert timezone.now() < event.starts


def test_reminder_carries_a_one_click_cancel_link(client, clp_a, mailoutbox):
    import re

    event = make_event(clp_a, capacity=1)
    booking = book(event, member(clp_a))
    waiting = book(event, member(clp_a))
    send_all_mail(now=event.starts - datetime.timedelta(hours=12))
    body = mailoutbox[0].body
    url = re.search(r"https?://\S+/events/cancel/[^/\s)]+/", body).group(0)
    path = url.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200
    booking.refresh_from_db()
    assert booking.status == Booking.Status.YES  # GET changes nothing
    response = client.post("/" + path)
    assert response.status_code == 200
    assert "Your booking is cancelled" in response.text
    booking.refresh_from_db()
    waiting.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert waiting.status == Booking.Status.YES
    assert client.get("/" + path[:-5] + "xxxx/").status_code == 400


def test_on_the_day_reminder_goes_out_once_after_the_day_before(clp_a, mailoutbox):
    event = make_event(clp_a)
    book(event, member(clp_a))
    assert Reminder.objects.count() == 2
    for hours in (12, 12, 2, 2):
        send_all_mail(now=event.starts - datetime.timedelta(hours=hours))
    assert [m.subject.split(":")[0] for m in mailoutbox] == ["Tomorrow", "Today"]


def test_answering_no_cancels_both_reminders(clp_a):
    event = make_event(clp_a)
    person = member(clp_a)
    book(event, person)
    rsvp_create(
        event=event,
        person=person,
        answer=Booking.Status.NO,
        source=Booking.Source.PORTAL,
        actor=None,
    )
    assert set(Reminder.objects.values_list("status", flat=True)) == {
        Reminder.Status.CANCELLED
    }
