"""Unsubscribe and preferences from a signed link, with no account."""

import re

import pytest
from django.core import signing
from django.urls import reverse

from partyhub.comms.consent import can_contact, current_consents
from partyhub.comms.models import Channel, ConsentEvent, Topic
from partyhub.comms.rendering import UNSUBSCRIBE_PURPOSE
from partyhub.links import make_token


def _token(person, topic="general"):
    return make_token(UNSUBSCRIBE_PURPOSE, person.pk, t=topic, c=person.constituency_id)


def test_page_get_changes_nothing(client, member_factory):
    person = member_factory(consent=True)
    response = client.get(reverse("comms:unsubscribe", args=[_token(person)]))
    assert response.status_code == 200
    assert "How the party contacts you" in response.text
    assert can_contact(person)


def test_page_stop_all_email(client, member_factory):
    person = member_factory(consent=True)
    response = client.post(
        reverse("comms:unsubscribe", args=[_token(person)]), {"choice": "email"}
    )
    assert response.status_code == 200
    assert "no longer get email" in response.text
    assert not can_contact(person)
    event = ConsentEvent.objects.filter(person=person).first()
    assert event.granted is False and event.method == "unsubscribe"


def test_page_stop_only_this_topic(client, member_factory):
    person = member_factory(consent=True)
    client.post(
        reverse("comms:unsubscribe", args=[_token(person, topic=Topic.EVENTS)]),
        {"choice": "topic"},
    )
    assert not can_contact(person, topic=Topic.EVENTS)
    assert can_contact(person, topic=Topic.NEWSLETTER)


def test_page_stop_everything(client, member_factory):
    person = member_factory(consent=True)
    client.post(
        reverse("comms:unsubscribe", args=[_token(person)]), {"choice": "everything"}
    )
    assert not can_contact(person)
    assert not can_contact(person, channel=Channel.POST)


def test_page_change_channels_may_withdraw_any_and_grant_only_email(
    client, member_factory
):
    """A year-long link in an email proves the email address, nothing more: it may
    stop phone, text and post, but start again only email."""
    from partyhub.comms.consent import consent_record

    person = member_factory(consent=True)
    consent_record(person=person, channel=Channel.PHONE, granted=True, method="portal")
    url = reverse("comms:unsubscribe", args=[_token(person)])
    client.post(url, {"choice": "channels", "post": "on", "text": "on"})
    state = current_consents(person)
    assert state[(Channel.EMAIL, "")] is False
    assert state[(Channel.PHONE, "")] is False  # withdrawn: unticked
    assert state.get((Channel.POST, ""), False) is False  # not granted
    assert state.get((Channel.TEXT, ""), False) is False
    page = client.get(url)
    post_box = re.search(r'<input[^>]*name="post"[^>]*>', page.text).group(0)
    assert "disabled" in post_box
    assert "log in to the member portal" in page.text
    client.post(url, {"choice": "channels", "email": "on", "phone": "on"})
    state = current_consents(person)
    assert state[(Channel.EMAIL, "")] is True  # the channel the link came through
    assert state[(Channel.PHONE, "")] is False
    assert (
        not ConsentEvent.objects.filter(
            person=person, granted=True, channel__in=["phone", "text", "post"]
        )
        .exclude(method="portal")
        .exists()
    )


def test_one_click_post_unsubscribes_without_csrf(member_factory):
    from django.test import Client

    person = member_factory(consent=True)
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("comms:unsubscribe_one_click", args=[_token(person)]),
        {"List-Unsubscribe": "One-Click"},
    )
    assert response.status_code == 200
    assert not can_contact(person)


def test_one_click_get_is_refused(client, member_factory):
    person = member_factory(consent=True)
    response = client.get(reverse("comms:unsubscribe_one_click", args=[_token(person)]))
    assert response.status_code == 405
    assert can_contact(person)


@pytest.mark.parametrize("view", ["comms:unsubscribe", "comms:unsubscribe_one_click"])
def test_tampered_link_changes_nothing(client, member_factory, view):
    person = member_factory(consent=True)
    other = member_factory(consent=True)
    token = _token(person)
    # Swap the signed payload for another person's id: the signature no longer fits.
    forged = make_token(UNSUBSCRIBE_PURPOSE, other.pk)[:20] + token[20:]
    for bad in (token[:-3] + "xyz", forged, "nonsense"):
        response = client.post(reverse(view, args=[bad]), {"choice": "email"})
        assert response.status_code == 400
        assert "does not work" in response.text
    assert can_contact(person) and can_contact(other)


def test_link_for_another_purpose_is_refused(client, member_factory):
    person = member_factory(consent=True)
    token = make_token("rsvp", person.pk)
    response = client.post(reverse("comms:unsubscribe_one_click", args=[token]))
    assert response.status_code == 400
    assert can_contact(person)


@pytest.mark.parametrize("view", ["comms:unsubscribe", "comms:unsubscribe_one_click"])
def test_expired_link_changes_nothing(client, member_factory, settings, view):
    person = member_factory(consent=True)
    token = _token(person)
    settings.COMMS_LINK_MAX_AGE_SECONDS = -1
    response = client.post(reverse(view, args=[token]), {"choice": "email"})
    assert response.status_code == 410
    assert "expired" in response.text
    assert can_contact(person)


def test_link_works_only_for_its_person(client, member_factory):
    alice = member_factory(consent=True)
    bob = member_factory(consent=True)
    client.post(reverse("comms:unsubscribe_one_click", args=[_token(alice)]))
    assert not can_contact(alice)
    assert can_contact(bob)


def test_signing_salt_is_per_purpose():
    token = make_token("unsubscribe", 1)
    with pytest.raises(signing.BadSignature):
        signing.loads(token, salt="partyhub.link.rsvp")
