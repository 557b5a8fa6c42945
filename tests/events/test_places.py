"""Places are never more than the capacity on any path (portal, invitation link,
walk-in, a change of capacity), every place that comes free goes to the waiting
list, nobody new goes in front of it, and the reminders follow a moved event."""

import datetime
import threading

import pytest
from django.db import connection
from django.db.models import F
from django.urls import reverse

from events.models import Booking, Event, Invitation
from events.services import (
    REMINDER_DAY_BEFORE,
    REMINDER_ON_THE_DAY,
    EventsError,
    rsvp_by_invitation,
    rsvp_create,
    walk_in_add,
)
from partyhub.comms.models import Reminder
from tests import factories
from tests.events.conftest import (
    event_admin_form,
    forget_booked_email,
    make_event,
    member,
)
from tests.helpers import send_all_mail

YES, WAITING = Booking.Status.YES, Booking.Status.WAITING


def _book(event, person, guests=0, answer="yes"):
    return rsvp_create(
        event=event, person=person, answer=answer, guests=guests,
        source=Booking.Source.PORTAL, actor=None,
    )  # fmt: skip


def _status(booking):
    booking.refresh_from_db()
    return booking.status


def test_fewer_guests_frees_places_for_the_waiting_list(clp_a):
    event = make_event(clp_a, capacity=3)
    person = member(clp_a)
    _book(event, person, guests=2)
    waiting = _book(event, member(clp_a))
    assert waiting.status == WAITING
    _book(event, person, guests=1)
    assert _status(waiting) == YES
    assert event.places_taken() == 3


def test_asking_for_more_guests_when_full_keeps_the_place_one_has(clp_a):
    event = make_event(clp_a, capacity=2)
    person = member(clp_a)
    mine = _book(event, person)
    _book(event, member(clp_a))
    waiting = _book(event, member(clp_a))
    with pytest.raises(EventsError, match="no room for more guests"):
        _book(event, person, guests=1)
    mine.refresh_from_db()
    assert (mine.status, mine.guests) == (YES, 0)
    assert _status(waiting) == WAITING
    # Answering yes again with no more guests is fine when full.
    assert _book(event, person).status == YES


def test_a_new_booking_does_not_go_in_front_of_the_waiting_list(clp_a):
    event = make_event(clp_a, capacity=2)
    first = _book(event, member(clp_a))
    _book(event, member(clp_a))
    big = _book(event, member(clp_a), guests=1)  # needs two places
    from events.services import rsvp_cancel

    rsvp_cancel(booking=first, actor=None)  # one place free, big needs two
    assert _status(big) == WAITING
    assert _book(event, member(clp_a)).status == WAITING
    assert event.places_taken() == 1


def test_too_many_guests_is_refused_in_the_portal(client, clp_a, member_a):
    event = make_event(clp_a)
    client.force_login(member_a)
    response = client.post(
        reverse("events:book", args=[event.pk]),
        {"answer": "yes", "guests": "40000"},
        follow=True,
    )
    assert response.status_code == 200
    assert "at most 10 guests" in response.text
    assert not Booking.objects.exists()


@pytest.fixture
def door_event(clp_a):
    return make_event(clp_a, capacity=1, title="Small room")


def _door(event):
    return reverse("admin:events_event_door", args=[event.pk])


def test_a_walk_in_does_not_go_past_the_capacity(client, officer_a, clp_a, door_event):
    booked = factories.PersonFactory(constituency=clp_a, email="booked@example.org")
    _book(door_event, booked)
    client.force_login(officer_a)
    response = client.post(
        _door(door_event), {"first_name": "Wanda", "last_name": "Walkin"}
    )
    assert response.status_code == 200
    assert "The event is full (1 places), so Wanda Walkin cannot be added" in (
        response.text
    )
    assert Booking.objects.count() == 1
    assert not Booking.objects.filter(person__first_name="Wanda").exists()
    # The one who booked is still found and ticked as a walk-in.
    response = client.post(
        _door(door_event),
        {"first_name": "B", "last_name": "B", "email": "booked@example.org"},
    )
    assert response.status_code == 302
    assert Booking.objects.get().attended_at is not None


def test_a_members_only_meeting_refuses_a_non_member_at_the_door(
    client, officer_a, clp_a
):
    event = make_event(clp_a, audience=Event.Audience.MEMBERS)
    supporter = factories.PersonFactory(constituency=clp_a, email="sup@example.org")
    client.force_login(officer_a)
    response = client.post(
        _door(event), {"first_name": "S", "last_name": "S", "email": "sup@example.org"}
    )
    assert response.status_code == 200
    assert "for party members only" in response.text
    assert not Booking.objects.filter(person=supporter).exists()
    response = client.post(_door(event), {"first_name": "New", "last_name": "Face"})
    assert "for party members only" in response.text
    assert not Booking.objects.exists()


def test_the_capacity_cannot_be_lowered_below_the_places_booked(
    client, officer_a, clp_a
):
    event = make_event(clp_a, capacity=5)
    _book(event, member(clp_a), guests=2)
    client.force_login(officer_a)
    url = reverse("admin:events_event_change", args=[event.pk])
    response = client.post(
        url, event_admin_form(event, constituencies=[clp_a.pk], capacity="2")
    )
    assert response.status_code == 200
    assert "3 places are booked already" in response.text
    event.refresh_from_db()
    assert event.capacity == 5
    response = client.post(
        url, event_admin_form(event, constituencies=[clp_a.pk], capacity="3")
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.capacity == 3


def test_moving_the_event_moves_its_reminders_and_each_goes_once(
    client, officer_a, clp_a, mailoutbox
):
    event = make_event(clp_a)
    person = member(clp_a)
    _book(event, person)
    forget_booked_email()
    old_start = event.starts
    new_start = old_start + datetime.timedelta(days=7)
    client.force_login(officer_a)
    data = event_admin_form(
        event,
        constituencies=[clp_a.pk],
        starts_0=new_start.strftime("%Y-%m-%d"),
        starts_1=new_start.strftime("%H:%M:%S"),
        ends_0=(new_start + datetime.timedelta(hours=3)).strftime("%Y-%m-%d"),
        ends_1=(new_start + datetime.timedelta(hours=3)).strftime("%H:%M:%S"),
    )
    response = client.post(reverse("admin:events_event_change", args=[event.pk]), data)
    assert response.status_code == 302
    event.refresh_from_db()
    pending = Reminder.objects.filter(status=Reminder.Status.PENDING)
    assert sorted(pending.values_list("kind", "due_at")) == sorted(
        [
            (REMINDER_DAY_BEFORE, event.starts - datetime.timedelta(days=1)),
            (REMINDER_ON_THE_DAY, event.starts - datetime.timedelta(hours=3)),
        ]
    )
    # Nothing goes out at the old time; at the new time, once each.
    send_all_mail(now=old_start - datetime.timedelta(hours=1))
    assert mailoutbox == []
    send_all_mail(now=event.starts - datetime.timedelta(hours=1))
    send_all_mail(now=event.starts - datetime.timedelta(hours=1))
    assert sorted(m.subject.split(":")[0] for m in mailoutbox) == ["Today", "Tomorrow"]


def test_erasing_a_person_with_a_place_promotes_the_waiting_list(
    django_capture_on_commit_callbacks, clp_a
):
    event = make_event(clp_a, capacity=1)
    leaving = member(clp_a)
    _book(event, leaving)
    waiting = _book(event, member(clp_a))
    with django_capture_on_commit_callbacks(execute=True):
        leaving.delete()
    assert _status(waiting) == YES


@pytest.mark.django_db(transaction=True)
def test_invitation_link_and_walk_in_race_for_the_last_place(clp_a):
    event = make_event(clp_a, capacity=1)
    invited = factories.PersonFactory(constituency=clp_a)
    invitation = Invitation.objects.create(event=event, person=invited)
    barrier = threading.Barrier(2)
    errors = []

    def by_link():
        try:
            barrier.wait()
            rsvp_by_invitation(invitation=invitation, answer="yes", guests=0)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    def at_the_door():
        try:
            barrier.wait()
            walk_in_add(event=event, first_name="W", last_name="W", email="",
                        constituency_id=clp_a.pk, actor=None)  # fmt: skip
        except EventsError:
            pass  # the link won: the event is full
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=f) for f in (by_link, at_the_door)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert event.places_taken() == 1
    assert Booking.objects.filter(status=YES).count() == 1


def test_a_party_bigger_than_the_event_holds_nobody_up(clp_a):
    event = make_event(clp_a, capacity=2)
    first = _book(event, member(clp_a))
    _book(event, member(clp_a))
    huge = _book(event, member(clp_a), guests=4)  # five places: more than all
    small = _book(event, member(clp_a))
    from events.services import rsvp_cancel

    rsvp_cancel(booking=first, actor=None)
    assert (_status(huge), _status(small)) == (WAITING, YES)
    assert _book(event, member(clp_a)).status == WAITING  # full again


def test_cancelling_from_an_old_link_after_the_event_was_cancelled_promotes_nobody(
    client, clp_a, mailoutbox
):
    from events.services import booking_cancel_url, event_cancel

    event = make_event(clp_a, capacity=1)
    booked = _book(event, member(clp_a))
    waiting = _book(event, member(clp_a))
    event_cancel(event=event, actor=None)
    send_all_mail()
    mailoutbox.clear()
    path = "/" + booking_cancel_url(booked).split("://", 1)[1].split("/", 1)[1]
    assert client.post(path).status_code == 200
    assert _status(booked) == Booking.Status.CANCELLED
    assert _status(waiting) == WAITING
    send_all_mail()
    assert mailoutbox == []


def test_pages_say_when_an_event_is_over_or_cancelled(client, clp_a, officer_a):
    from events.services import booking_cancel_url, event_cancel

    past = make_event(
        clp_a,
        audience=Event.Audience.PUBLIC,
        starts=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=3),
    )
    page = client.get(reverse("events:detail", args=[past.pk]))
    assert "This event is over." in page.text
    assert "Book my place" not in page.text
    cancelled = make_event(clp_a)
    booking = _book(cancelled, member(clp_a))
    event_cancel(event=cancelled, actor=None)
    path = "/" + booking_cancel_url(booking).split("://", 1)[1].split("/", 1)[1]
    page = client.get(path)
    assert "This event has been cancelled" in page.text
    assert "Cancel my booking" not in page.text
    client.force_login(officer_a)
    empty = make_event(clp_a, title="Nobody yet")
    assert "Nobody is booked yet." in client.get(_door(empty)).text


def test_a_supporter_with_a_link_is_refused_a_members_only_event(client, clp_a):
    """Invited while it was open to supporters; the event became members-only."""
    from events.services import invitation_rsvp_url

    event = make_event(clp_a, audience=Event.Audience.MEMBERS)
    supporter = factories.PersonFactory(constituency=clp_a)
    invitation = Invitation.objects.create(event=event, person=supporter)
    url = invitation_rsvp_url(invitation)
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    response = client.post(path, {"answer": "yes", "guests": "0"})
    assert response.status_code == 200
    assert "for party members only" in response.text
    assert not Booking.objects.exists()


def test_my_events_lets_a_member_change_their_mind(client, clp_a, member_a):
    from events.services import rsvp_cancel

    me = member_a.person
    event = make_event(clp_a, title="Quiz night")
    said_no = make_event(clp_a, title="Boat trip")
    maybe = make_event(clp_a, title="Picnic")
    rsvp_cancel(booking=_book(event, me), actor=None)
    _book(said_no, me, answer="no")
    _book(maybe, me, answer="maybe")
    client.force_login(member_a)
    page = client.get(reverse("events:mine")).text
    bookable = page.split("Upcoming events you can book")[1]
    assert "Quiz night" in bookable  # cancelled, then can come after all
    assert "Boat trip" in bookable
    assert "Picnic" not in bookable
    response = client.post(
        reverse("events:book", args=[event.pk]), {"answer": "yes"}, follow=True
    )
    assert "your answer is recorded" in response.text
    assert Booking.objects.get(event=event, person=me).status == YES
    # "Maybe" can become "I'm coming" from the list of bookings.
    booked = client.get(reverse("events:mine")).text.split("Upcoming events")[0]
    assert reverse("events:book", args=[maybe.pk]) in booked
    client.post(reverse("events:book", args=[maybe.pk]), {"answer": "yes"})
    assert Booking.objects.get(event=maybe, person=me).status == YES
    # Past events: those they came to or had a place at, not a "maybe".
    went = make_event(clp_a, title="Went to this")
    skipped = make_event(clp_a, title="Only maybe")
    _book(went, me)
    _book(skipped, me, answer="maybe")
    Event.objects.filter(pk__in=[went.pk, skipped.pk]).update(
        starts=F("starts") - datetime.timedelta(days=30),
        ends=F("ends") - datetime.timedelta(days=30),
    )
    past = client.get(reverse("events:mine")).text.split("Past events")[1]
    assert "Went to this" in past
    assert "Only maybe" not in past


def test_joining_the_waiting_list_later_puts_one_at_its_end(clp_a):
    from events.services import rsvp_cancel

    event = make_event(clp_a, capacity=1)
    early = member(clp_a)
    _book(event, early, answer="maybe")  # answered first, took no place
    booked = _book(event, member(clp_a))
    first_waiting = _book(event, member(clp_a))
    late = _book(event, early)  # now wants a place: behind those waiting
    assert (first_waiting.status, late.status) == (WAITING, WAITING)
    rsvp_cancel(booking=booked, actor=None)
    assert (_status(first_waiting), _status(late)) == (YES, WAITING)
    # Asking again while waiting keeps one's place in the queue.
    since = Booking.objects.get(pk=late.pk).waiting_since
    _book(event, early)
    assert Booking.objects.get(pk=late.pk).waiting_since == since


def test_ticking_a_maybe_or_waiting_person_takes_a_free_place_only(
    client, officer_a, clp_a, door_event
):
    from events.services import rsvp_cancel

    booked = _book(door_event, member(clp_a))
    waiting = _book(door_event, member(clp_a))
    client.force_login(officer_a)
    url = reverse("admin:events_event_attend", args=[door_event.pk, waiting.pk])
    response = client.post(url, {"attended": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "The event is full (1 places)" in response.text
    waiting.refresh_from_db()
    assert (waiting.status, waiting.attended_at) == (WAITING, None)
    # Without htmx the message comes with the reloaded page.
    page = client.post(url, {"attended": "1"}, follow=True)
    assert "cannot be ticked in" in page.text
    rsvp_cancel(booking=booked, actor=None)  # promotes the waiting one
    assert _status(waiting) == YES
    maybe = _book(door_event, member(clp_a), answer="maybe")
    url = reverse("admin:events_event_attend", args=[door_event.pk, maybe.pk])
    client.post(url, {"attended": "1"})
    maybe.refresh_from_db()
    assert (maybe.status, maybe.attended_at) == (Booking.Status.MAYBE, None)
    rsvp_cancel(booking=waiting, actor=None)  # a place comes free
    client.post(url, {"attended": "1"})
    maybe.refresh_from_db()
    assert maybe.status == YES
    assert maybe.attended_at is not None
    assert door_event.places_taken() == 1


def test_the_place_is_yours_email_has_the_one_click_cancel(client, clp_a, mailoutbox):
    import re

    from events.services import rsvp_cancel

    event = make_event(clp_a, capacity=1)
    first = _book(event, member(clp_a))
    waiting = _book(event, member(clp_a))
    rsvp_cancel(booking=first, actor=None)
    send_all_mail()
    (message,) = mailoutbox
    link = re.search(r"https?://\S+?(/events/cancel/[^/\s)]+/)", message.body)
    assert link, message.body
    client.post(link.group(1))
    assert _status(waiting) == Booking.Status.CANCELLED


def test_an_over_full_event_can_still_be_edited(client, officer_a, clp_a):
    event = make_event(clp_a, capacity=1)
    _book(event, member(clp_a))
    _book(event, member(clp_a))  # waiting
    Booking.objects.update(status=YES)  # over capacity from before this check
    client.force_login(officer_a)
    data = event_admin_form(event, constituencies=[clp_a.pk], capacity="1")
    data["description"] = "Bring a plate."
    response = client.post(reverse("admin:events_event_change", args=[event.pk]), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.description == "Bring a plate."


def test_a_cancelled_public_event_keeps_its_page_saying_so(client, clp_a):
    from events.services import event_cancel

    event = make_event(clp_a, title="Open meeting", audience=Event.Audience.PUBLIC)
    event_cancel(event=event, actor=None)
    page = client.get(reverse("events:detail", args=[event.pk]))
    assert page.status_code == 200
    assert "This event has been cancelled" in page.text
    assert "Book my place" not in page.text
    refused = client.post(
        reverse("events:detail", args=[event.pk]),
        {"first_name": "V", "last_name": "V", "email": "v@example.org", "guests": "0"},
    )
    assert "Book my place" not in refused.text
    assert not Booking.objects.exists()
    calendar = client.get(reverse("events:calendar", args=[clp_a.slug]))
    assert "Open meeting" not in calendar.text


def test_an_event_with_supporters_booked_cannot_become_members_only(
    client, officer_a, clp_a
):
    event = make_event(clp_a)
    supporter = _book(event, factories.PersonFactory(constituency=clp_a))
    _book(event, member(clp_a))
    client.force_login(officer_a)
    url = reverse("admin:events_event_change", args=[event.pk])
    data = event_admin_form(event, constituencies=[clp_a.pk], audience="members")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "1 person booked is not a member" in response.text
    event.refresh_from_db()
    assert event.audience == Event.Audience.MEMBERS_AND_SUPPORTERS
    from events.services import rsvp_cancel

    rsvp_cancel(booking=supporter, actor=None)
    assert client.post(url, data).status_code == 302
    event.refresh_from_db()
    assert event.audience == Event.Audience.MEMBERS
