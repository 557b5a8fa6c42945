"""Issue 16 item 4: booking an event (from the portal, or on the public page
once the address is confirmed) sends "You are booked" with the calendar file and
the one-click "I can't come" link."""

import re
import time

import icalendar
from django.urls import reverse

from events.models import Booking, Event
from partyhub.comms import sending
from partyhub.forms import started_token
from supporters.models import SignupRequest
from tests.events.conftest import make_event
from tests.pending import confirm_pending


def send_all_mail():
    sending.reminders_queue_due()
    while ids := sending.deliveries_claim():
        sending.deliveries_send(ids=ids)


def _booked_mail(mailoutbox, event):
    found = [m for m in mailoutbox if m.subject == f"You are booked: {event.title}"]
    assert len(found) == 1, [m.subject for m in mailoutbox]
    return found[0]


def _check_calendar_and_cancel(client, mail, event):
    (name, content, mimetype) = mail.attachments[0]
    assert name == "event.ics"
    assert mimetype.startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(content)
    (item,) = cal.walk("VEVENT")
    assert str(item["summary"]) == event.title
    assert item.decoded("dtstart") == event.starts.replace(microsecond=0)
    link = re.search(r"\[I can't come\]\((\S+)\)", mail.body).group(1)
    client.post(link)
    assert Booking.objects.get(event=event).status == Booking.Status.CANCELLED


def test_member_booking_from_the_portal_is_confirmed_by_email(
    client, clp_a, member_a, mailoutbox
):
    event = make_event(clp_a, title="Summer barbecue")
    client.force_login(member_a)
    url = reverse("events:book", args=[event.pk])
    client.post(url, {"answer": "yes", "guests": "1"})
    client.post(url, {"answer": "yes", "guests": "1"})  # a double click
    send_all_mail()
    send_all_mail()
    mail = _booked_mail(mailoutbox, event)
    assert mail.to == [member_a.person.email]
    assert "You have a place on **Summer barbecue**" in mail.body
    assert "You are bringing 1 guest." in mail.body
    client.logout()
    _check_calendar_and_cancel(client, mail, event)


def test_public_booking_is_confirmed_by_email_after_the_address_is(
    client, clp_a, mailoutbox
):
    event = make_event(clp_a, title="Meet your MP", audience=Event.Audience.PUBLIC)
    client.post(
        reverse("events:detail", args=[event.pk]),
        {
            "first_name": "Vera",
            "last_name": "Visitor",
            "email": "vera@example.org",
            "guests": "0",
            "website": "",
            "started": started_token(time.time() - 10),
        },
    )
    send_all_mail()
    assert not [m for m in mailoutbox if m.subject.startswith("You are booked")]
    confirm_pending(SignupRequest.objects.get())
    send_all_mail()
    mail = _booked_mail(mailoutbox, event)
    assert mail.to == ["vera@example.org"]
    _check_calendar_and_cancel(client, mail, event)


def test_waiting_list_gets_no_booked_email(client, clp_a, member_a, mailoutbox):
    event = make_event(clp_a, capacity=0)
    client.force_login(member_a)
    client.post(reverse("events:book", args=[event.pk]), {"answer": "yes"})
    assert Booking.objects.get().status == Booking.Status.WAITING
    send_all_mail()
    assert not [m for m in mailoutbox if m.subject.startswith("You are booked")]
