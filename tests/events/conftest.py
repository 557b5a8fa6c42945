import datetime

import pytest
from django.utils import timezone

from events.models import Event
from events.services import REMINDER_BOOKED
from partyhub.comms.models import Reminder
from tests import factories


def make_event(*constituencies, **kw) -> Event:
    starts = kw.pop("starts", timezone.now() + datetime.timedelta(days=7))
    defaults = {
        "kind": Event.Kind.SOCIAL,
        "title": "Summer barbecue",
        "venue": "Community hall",
        "starts": starts,
        "ends": starts + datetime.timedelta(hours=3),
        "audience": Event.Audience.MEMBERS_AND_SUPPORTERS,
        "status": Event.Status.PUBLISHED,
    }
    defaults.update(kw)
    event = Event.objects.create(**defaults)
    event.constituencies.set(constituencies)
    return event


def member(clp):
    person = factories.PersonFactory(constituency=clp)
    factories.MembershipFactory(person=person)
    return person


@pytest.fixture
def event(clp_a):
    return make_event(clp_a, capacity=2)


def forget_booked_email():
    """These tests are about the reminders before the event; "You are booked",
    sent at once, has its own (tests/events/test_booked_email.py)."""
    Reminder.objects.filter(kind=REMINDER_BOOKED).delete()


def event_admin_form(event, *, bookings=(), **changes) -> dict:
    """The event's admin change form as a browser would post it."""
    bookings = list(bookings)
    data = {
        "kind": event.kind,
        "title": event.title,
        "description": "",
        "starts_0": event.starts.strftime("%Y-%m-%d"),
        "starts_1": event.starts.strftime("%H:%M:%S"),
        "ends_0": event.ends.strftime("%Y-%m-%d"),
        "ends_1": event.ends.strftime("%H:%M:%S"),
        "venue": "Hall",
        "address": "",
        "accessibility": "",
        "constituencies": [],
        "audience": "public",
        "capacity": "10",
        "organiser": "",
        "price": "",
        "concession_price": "",
        "bookings-TOTAL_FORMS": str(len(bookings)),
        "bookings-INITIAL_FORMS": str(len(bookings)),
        "bookings-MIN_NUM_FORMS": "0",
        "bookings-MAX_NUM_FORMS": "1000",
    }
    for n, booking in enumerate(bookings):
        data[f"bookings-{n}-id"] = str(booking.pk)
        data[f"bookings-{n}-event"] = str(event.pk)
    data.update(changes)
    return data
