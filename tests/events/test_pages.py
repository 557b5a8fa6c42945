"""Public event page, the constituency calendar and its iCalendar feed, and
"My events" in the portal."""

import re
import time

import icalendar
import pytest
from django.urls import reverse

from events.models import Booking, Event
from members.models import Person
from partyhub.forms import started_token
from supporters.models import SignupRequest
from supporters.signup import signup_confirmation_send
from tests import factories
from tests.events.conftest import make_event, member
from tests.pending import confirm_link, confirm_pending


@pytest.fixture
def public_event(clp_a):
    return make_event(
        clp_a, title="Meet your MP", audience=Event.Audience.PUBLIC, capacity=1
    )


def test_public_event_page_shows_published_public_events_only(client, clp_a):
    public = make_event(clp_a, title="Open meeting", audience=Event.Audience.PUBLIC)
    draft = make_event(clp_a, audience=Event.Audience.PUBLIC, status=Event.Status.DRAFT)
    members_only = make_event(clp_a, audience=Event.Audience.MEMBERS)
    response = client.get(reverse("events:detail", args=[public.pk]))
    assert response.status_code == 200
    assert "Open meeting" in response.text
    for hidden in (draft, members_only):
        assert client.get(reverse("events:detail", args=[hidden.pk])).status_code == 404


def test_calendar_lists_the_constituencys_public_events(client, clp_a, clp_b):
    make_event(clp_a, title="Hodge Hill quiz", audience=Event.Audience.PUBLIC)
    make_event(clp_b, title="Reading West quiz", audience=Event.Audience.PUBLIC)
    make_event(clp_a, title="Secret AGM", audience=Event.Audience.MEMBERS)
    response = client.get(reverse("events:calendar", args=[clp_a.slug]))
    assert response.status_code == 200
    assert "Hodge Hill quiz" in response.text
    assert "Reading West quiz" not in response.text
    assert "Secret AGM" not in response.text


def test_ical_feed_parses_and_holds_only_public_published_events(client, clp_a, clp_b):
    shared = make_event(
        clp_a, clp_b, title="Regional forum", audience=Event.Audience.PUBLIC
    )
    make_event(clp_a, title="Draft social", audience=Event.Audience.PUBLIC,
               status=Event.Status.DRAFT)  # fmt: skip
    make_event(clp_a, title="Cancelled social", audience=Event.Audience.PUBLIC,
               status=Event.Status.CANCELLED)  # fmt: skip
    make_event(clp_a, title="Members meeting", audience=Event.Audience.MEMBERS)
    make_event(clp_b, title="Elsewhere", audience=Event.Audience.PUBLIC)
    response = client.get(reverse("events:feed", args=[clp_a.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    items = cal.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in items] == ["Regional forum"]
    assert items[0].decoded("DTSTART") == shared.starts.replace(microsecond=0)
    assert items[0].decoded("DTEND") == shared.ends.replace(microsecond=0)


def test_portal_member_books_and_cancels(client, clp_a, member_a, public_event):
    client.force_login(member_a)
    page = client.get(reverse("events:mine"))
    assert page.status_code == 200
    assert "Meet your MP" in page.text
    url = reverse("events:book", args=[public_event.pk])
    client.post(url, {"answer": "yes", "guests": "0"})
    client.post(url, {"answer": "yes", "guests": "0"})  # a double click
    booking = Booking.objects.get()
    assert booking.person == member_a.person
    assert booking.status == Booking.Status.YES
    assert booking.source == Booking.Source.PORTAL
    page = client.get(reverse("events:mine"))
    assert "come any more" in page.text

    response = client.post(reverse("events:cancel", args=[booking.pk]))
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_portal_full_event_puts_member_on_waiting_list(client, clp_a, member_a,
                                                      public_event):  # fmt: skip
    Booking.objects.create(
        event=public_event, person=member(clp_a), status="yes", source="portal"
    )
    client.force_login(member_a)
    response = client.post(
        reverse("events:book", args=[public_event.pk]), {"answer": "yes"}, follow=True
    )
    assert "waiting list" in response.text
    assert Booking.objects.get(person=member_a.person).status == "waiting"


def test_portal_cannot_cancel_someone_elses_booking(client, clp_a, member_a,
                                                     public_event):  # fmt: skip
    other = Booking.objects.create(
        event=public_event, person=member(clp_a), status="yes", source="portal"
    )
    client.force_login(member_a)
    response = client.post(reverse("events:cancel", args=[other.pk]))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == "yes"


def test_portal_cannot_book_another_constituencys_event(client, clp_b, member_a):
    event = make_event(clp_b, audience=Event.Audience.PUBLIC)
    client.force_login(member_a)
    response = client.post(reverse("events:book", args=[event.pk]), {"answer": "yes"})
    assert response.status_code == 404
    assert not Booking.objects.exists()


def test_portal_supporter_login_is_refused_a_members_only_event(client, clp_a):
    user = factories.UserFactory()
    factories.PersonFactory(constituency=clp_a, user=user, email=user.email)
    event = make_event(clp_a, audience=Event.Audience.MEMBERS)
    client.force_login(user)
    assert event.title not in client.get(reverse("events:mine")).text
    response = client.post(
        reverse("events:book", args=[event.pk]), {"answer": "yes"}, follow=True
    )
    assert "for party members only" in response.text
    assert not Booking.objects.exists()


def _rsvp(client, event, **extra):
    data = {
        "first_name": "Vera",
        "last_name": "Visitor",
        "email": "vera@example.org",
        "guests": "0",
        "website": "",
        "started": started_token(time.time() - 10),
        **extra,
    }
    return client.post(reverse("events:detail", args=[event.pk]), data)


def _main(response):
    """The page's main content, without the CSRF token that differs each time."""
    return re.sub(
        r'name="csrfmiddlewaretoken" value="[^"]*"',
        "",
        response.text.split('id="content"')[-1],
    )


def _confirm_last(email="vera@example.org"):
    """Press Confirm in the email sent to `email` (its newest request)."""
    request = SignupRequest.objects.filter(email=email).order_by("-pk").first()
    return confirm_pending(request)


def test_visitor_books_on_public_page_once_the_address_is_confirmed(
    client, clp_a, public_event, mailoutbox, django_capture_on_commit_callbacks
):
    from partyhub.comms.models import ConsentEvent

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = _rsvp(client, public_event)
    assert len(queued) == 1  # the confirmation email, queued after commit
    signup_confirmation_send(signup_request_id=SignupRequest.objects.get().pk)
    assert response.status_code == 200
    assert "check your email" in response.text
    # No Person and no booking (no place held) until the address is confirmed.
    assert not Booking.objects.exists()
    assert not Person.objects.filter(email="vera@example.org").exists()
    assert [m.to for m in mailoutbox] == [["vera@example.org"]]
    assert "book a place at “Meet your MP”" in mailoutbox[0].body
    link = confirm_link(mailoutbox[0])
    assert client.get(link).status_code == 200
    assert not Booking.objects.exists()  # a mail scanner opening it books nobody
    done = client.post(link)
    assert "We have your booking for “Meet your MP”" in done.text
    client.post(link)  # twice: one booking
    booking = Booking.objects.get()
    assert booking.source == Booking.Source.PUBLIC
    assert booking.status == Booking.Status.YES
    assert booking.person.email == "vera@example.org"
    assert booking.person.constituency == clp_a
    assert not ConsentEvent.objects.exists()  # unticked: nothing recorded


def test_ticking_consent_is_recorded_only_when_the_booking_is_confirmed(
    client, clp_a, public_event, mailoutbox, django_capture_on_commit_callbacks
):
    from partyhub.comms.models import ConsentEvent
    from supporters.models import Supporter

    with django_capture_on_commit_callbacks(execute=False):
        response = _rsvp(client, public_event, consent_email="on", postcode="b8 1aa")
    signup_confirmation_send(signup_request_id=SignupRequest.objects.get().pk)
    assert "check your email" in response.text
    assert not Booking.objects.exists()
    assert not ConsentEvent.objects.exists()
    assert not Supporter.objects.exists()
    request = SignupRequest.objects.get()
    assert request.email == "vera@example.org"
    assert request.data["postcode"] == "B8 1AA"
    assert "email me about other events" in request.data["consents"]["email"]
    assert [m.to for m in mailoutbox] == [["vera@example.org"]]
    _confirm_last()
    booking = Booking.objects.get()
    assert booking.status == Booking.Status.YES
    assert Supporter.objects.get(person=booking.person).source == "event"
    assert [
        (e.channel, e.granted)
        for e in ConsentEvent.objects.filter(person=booking.person)
    ] == [("email", True)]


def test_ticking_consent_without_a_postcode_asks_for_it(client, public_event):
    response = _rsvp(client, public_event, consent_email="on")
    assert response.status_code == 200
    assert "Give your postcode, or untick the box" in response.text
    assert not Booking.objects.exists()
    assert not SignupRequest.objects.exists()


def test_public_page_cannot_change_a_known_persons_booking(client, clp_a, public_event):
    person = member(clp_a)
    Booking.objects.create(
        event=public_event, person=person, status="maybe", source="portal"
    )
    response = _rsvp(client, public_event, email=person.email.upper(), guests="3")
    assert response.status_code == 200
    assert "check your email" in response.text
    booking = Booking.objects.get()
    assert (booking.status, booking.guests) == ("maybe", 0)
    person.refresh_from_db()
    assert person.first_name != "Vera"
    # Confirmed by the person themselves, their answer still stands as it was.
    _, context = _confirm_last(person.email.lower())
    assert "it stands as it was" in context["lines"][0]
    booking.refresh_from_db()
    assert (booking.status, booking.guests) == ("maybe", 0)


def test_unconfirmed_booking_takes_no_place_from_a_known_person(
    client, clp_a, public_event
):
    """Typing a member's address books nothing in their name and changes nothing
    about them; the page is the same as for an unknown address."""
    person = member(clp_a)
    known = _rsvp(client, public_event, email=person.email, first_name="Mallory")
    unknown = _rsvp(client, public_event, email="stranger@example.org")
    assert not Booking.objects.exists()
    person.refresh_from_db()
    assert person.first_name != "Mallory"
    assert not Person.objects.filter(email="stranger@example.org").exists()
    assert known.status_code == unknown.status_code == 200
    assert _main(known) == _main(unknown)


def test_public_page_full_event_puts_visitor_on_waiting_list(client, clp_a,
                                                            public_event):  # fmt: skip
    _rsvp(client, public_event)
    _rsvp(client, public_event, email="second@example.org")
    _confirm_last()
    _, context = _confirm_last("second@example.org")
    assert "waiting list" in context["lines"][0]
    assert Booking.objects.filter(status="waiting").count() == 1


def test_public_page_shows_form_errors(client, public_event):
    response = _rsvp(client, public_event, email="not-an-email")
    assert response.status_code == 200
    assert "Please check the form" in response.text
    assert not SignupRequest.objects.exists()


def test_public_double_submit_makes_one_person_and_one_booking(client, public_event):
    _rsvp(client, public_event)
    _rsvp(client, public_event)
    for request in SignupRequest.objects.all():
        confirm_pending(request)
    assert Booking.objects.count() == 1
    assert Booking.objects.get().person.email == "vera@example.org"


def test_public_form_bot_traps_store_nothing(client, public_event):
    """The honeypot, a too-fast post and a replayed form are answered like a
    person and store nothing."""
    filled = _rsvp(client, public_event, website="http://spam.example")
    fast = _rsvp(client, public_event, started=started_token())
    assert filled.status_code == fast.status_code == 200
    assert "check your email" in filled.text
    assert not SignupRequest.objects.exists()
    once = started_token(time.time() - 10)
    _rsvp(client, public_event, started=once)
    _rsvp(client, public_event, started=once, email="replay@example.org")
    assert list(SignupRequest.objects.values_list("email", flat=True)) == [
        "vera@example.org"
    ]


def test_bookings_are_in_the_persons_data_export(clp_a, public_event):
    from partyhub.privacy import export_data

    person = member(clp_a)
    Booking.objects.create(
        event=public_event, person=person, status="yes", guests=1, source="portal"
    )
    rows = export_data(person)["event_bookings"]
    assert len(rows) == 1
    assert rows[0]["event"] == "Meet your MP"
    assert rows[0]["guests"] == 1
    assert export_data(member(clp_a))["event_bookings"] == []
