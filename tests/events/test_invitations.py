"""Invitations: one email each, once, to people who agreed to hear about events;
a personal signed link answers for that person only, until the event ends."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Booking, Event, Invitation
from events.services import (
    EventsError,
    booking_cancel_url,
    invitation_rsvp_url,
    invitations_send,
    rsvp_create,
)
from members.models import Person
from partyhub.comms.consent import consent_record
from partyhub.links import make_token
from tests import factories
from tests.events.conftest import make_event, member
from tests.helpers import send_all_mail


def _consenting(person):
    consent_record(person=person, channel="email", granted=True, method="portal")
    return person


def supporter(clp):
    return _consenting(factories.PersonFactory(constituency=clp))


def _path(url):
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _invite(event, *people):
    invitations_send(
        event=event, people=Person.objects.filter(pk__in=[p.pk for p in people]),
        actor=None,
    )  # fmt: skip
    return {i.person_id: i for i in Invitation.objects.filter(event=event)}


def test_each_person_is_emailed_once_with_their_own_link(clp_a, mailoutbox):
    event = make_event(clp_a, title="Summer barbecue")
    alice, bob = supporter(clp_a), supporter(clp_a)
    no_consent = factories.PersonFactory(constituency=clp_a)
    _invite(event, alice, bob, no_consent)
    result = invitations_send(
        event=event, people=Person.objects.filter(pk=alice.pk), actor=None
    )
    assert (result.invited, result.already) == (0, 1)
    send_all_mail()
    send_all_mail()
    assert sorted(m.to[0] for m in mailoutbox) == sorted([alice.email, bob.email])
    assert all("You are invited: Summer barbecue" == m.subject for m in mailoutbox)
    links = {m.to[0]: re.search(r"https?://\S+/events/invitation/[^/\s)]+/", m.body)
             .group(0) for m in mailoutbox}  # fmt: skip
    assert links[alice.email] != links[bob.email]


def test_members_only_event_invites_members_only(clp_a):
    event = make_event(clp_a, audience=Event.Audience.MEMBERS)
    result = invitations_send(
        event=event,
        people=Person.objects.filter(
            pk__in=[supporter(clp_a).pk, _consenting(member(clp_a)).pk]
        ),
        actor=None,
    )
    assert (result.invited, result.not_eligible) == (1, 1)


def test_drafts_cannot_be_invited_to(clp_a):
    event = make_event(clp_a, status=Event.Status.DRAFT)
    with pytest.raises(EventsError):
        _invite(event, supporter(clp_a))
    assert not Invitation.objects.exists()


def test_supporter_answers_from_their_link_without_logging_in(client, clp_a):
    event = make_event(clp_a, capacity=2)
    person = supporter(clp_a)
    url = _path(invitation_rsvp_url(_invite(event, person)[person.pk]))
    page = client.get(url)
    assert page.status_code == 200
    assert event.title in page.text
    assert not Booking.objects.exists()  # a GET changes nothing
    response = client.post(url, {"answer": "yes", "guests": "1"}, follow=True)
    assert "your answer is recorded" in response.text
    booking = Booking.objects.get()
    assert (booking.person, booking.status, booking.guests, booking.source) == (
        person, "yes", 1, Booking.Source.LINK
    )  # fmt: skip
    client.post(url, {"answer": "no", "guests": "0"})
    booking.refresh_from_db()
    assert booking.status == "no"


def test_link_form_errors_show_and_change_nothing(client, clp_a):
    event = make_event(clp_a)
    person = supporter(clp_a)
    url = _path(invitation_rsvp_url(_invite(event, person)[person.pk]))
    response = client.post(url, {"answer": "perhaps", "guests": "-1"})
    assert response.status_code == 200
    assert "That choice is not on the list" in response.text
    assert not Booking.objects.exists()


def test_link_for_a_full_event_puts_them_on_the_waiting_list(client, clp_a):
    event = make_event(clp_a, capacity=1)
    rsvp_create(event=event, person=member(clp_a), answer="yes",
                source="portal", actor=None)  # fmt: skip
    person = supporter(clp_a)
    url = _path(invitation_rsvp_url(_invite(event, person)[person.pk]))
    response = client.post(url, {"answer": "yes", "guests": "0"}, follow=True)
    assert "waiting list" in response.text
    assert Booking.objects.get(person=person).status == "waiting"


def test_link_works_only_for_its_person(client, clp_a):
    event = make_event(clp_a)
    alice, mallory = supporter(clp_a), supporter(clp_a)
    invitation = _invite(event, alice)[alice.pk]
    # A genuine signature for Mallory naming Alice's invitation.
    forged = make_token("events.rsvp", mallory.pk, i=invitation.pk)
    url = reverse("events:invitation", args=[forged])
    assert client.get(url).status_code == 400
    assert client.post(url, {"answer": "yes", "guests": "0"}).status_code == 400
    good = _path(invitation_rsvp_url(invitation))
    tampered = good[:-6] + ("A" if good[-6] != "A" else "B") + good[-5:]
    assert client.post(tampered, {"answer": "yes", "guests": "0"}).status_code == 400
    # A link made for another purpose (cancelling) is no invitation.
    booking = rsvp_create(event=event, person=mallory, answer="yes",
                          source="portal", actor=None)  # fmt: skip
    cancel_token = _path(booking_cancel_url(booking)).rstrip("/").rsplit("/", 1)[1]
    other = reverse("events:invitation", args=[cancel_token])
    assert client.get(other).status_code == 400
    assert not Booking.objects.filter(person=alice).exists()


def test_link_expires_when_the_event_ends(client, clp_a):
    event = make_event(clp_a)
    person = supporter(clp_a)
    url = _path(invitation_rsvp_url(_invite(event, person)[person.pk]))
    past = timezone.now() - datetime.timedelta(hours=1)
    Event.objects.filter(pk=event.pk).update(
        starts=past - datetime.timedelta(hours=2), ends=past
    )
    response = client.post(url, {"answer": "yes", "guests": "0"})
    assert response.status_code == 410
    assert "expired" in response.text
    assert not Booking.objects.exists()


def test_officer_sends_invitations_from_the_admin(
    client, officer_a, clp_a, clp_b, officer_b
):
    event = make_event(clp_a)
    alice = supporter(clp_a)
    outsider = supporter(clp_b)
    url = reverse("admin:events_event_invite", args=[event.pk])
    client.force_login(officer_a)
    assert client.get(url).status_code == 200
    refused = client.post(url, {"people": [outsider.pk]})
    assert refused.status_code == 200
    assert "That choice is not on the list" in refused.text
    empty = client.post(url, {})
    assert "Choose a segment or some people" in empty.text
    assert not Invitation.objects.exists()
    response = client.post(url, {"people": [alice.pk]})
    assert response.status_code == 302
    assert list(Invitation.objects.values_list("person", flat=True)) == [alice.pk]
    client.force_login(officer_b)
    assert client.get(url).status_code == 404


def test_invite_page_shows_the_email_before_it_is_sent(
    client, officer_a, clp_a, mailoutbox
):
    event = make_event(clp_a, title="Summer barbecue", venue="Community hall")
    client.force_login(officer_a)
    page = client.get(reverse("admin:events_event_invite", args=[event.pk])).text
    assert "The email each person gets" in page
    assert "You are invited: Summer barbecue" in page
    assert f"Hello {officer_a.person.first_name}," in page
    assert "Community hall" in page
    assert not Invitation.objects.exists() and not mailoutbox


def test_officer_invites_a_saved_segment(client, officer_a, clp_a):
    from partyhub.comms.models import Segment

    event = make_event(clp_a)
    people = [supporter(clp_a) for _ in range(3)]
    segment = Segment.objects.create(constituency=clp_a, name="Everyone", criteria={})
    client.force_login(officer_a)
    response = client.post(
        reverse("admin:events_event_invite", args=[event.pk]),
        {"segment": segment.pk},
    )
    assert response.status_code == 302
    invited = set(Invitation.objects.values_list("person", flat=True))
    assert {p.pk for p in people} <= invited


def test_invitations_are_in_the_persons_data_export(clp_a):
    from partyhub.privacy import export_data

    event = make_event(clp_a, title="Garden party")
    person = supporter(clp_a)
    _invite(event, person)
    assert [r["event"] for r in export_data(person)["event_invitations"]] == [
        "Garden party"
    ]
