"""A petition signature counts, and its signer joins the supporters' club, only
when they confirm the emailed link (the supporters' double opt-in); the form has a
per-IP hourly allowance."""

import re
import time

import pytest
from django.urls import reverse

from campaigns.models import Signature
from members.models import Person
from partyhub.comms.models import Channel, ConsentEvent, Method
from partyhub.forms import started_token
from supporters.models import SignupRequest, Supporter
from supporters.signup import signup_requests_purge

pytestmark = pytest.mark.usefixtures("eager_tasks")

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def _form(**extra):
    return {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.org",
        "postcode": "b8 1aa",
        "website": "",
        "started": started_token(time.time() - 10),
        **extra,
    }


def test_visitor_on_a_phone_is_a_supporter_only_after_confirming(
    client, petition, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("campaigns:petition", args=[petition.slug])
    page = client.get(url, HTTP_USER_AGENT=IPHONE)
    assert 'name="viewport"' in page.text
    assert "join the supporters" in page.text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, _form(consent_email="on"), HTTP_USER_AGENT=IPHONE, follow=True
        )
    assert "check your email" in response.text
    # Nothing yet: no Person, no signature, no consent.
    assert not Person.objects.filter(email="ada@example.org").exists()
    assert not Signature.objects.exists()
    assert not ConsentEvent.objects.exists()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["ada@example.org"]
    assert "sign the petition" in mailoutbox[0].body

    confirm = re.search(r"/supporters/confirm/\S+/", mailoutbox[0].body).group(0)
    # Opening the link (a mail scanner does) changes nothing; pressing Confirm does.
    assert client.get(confirm, HTTP_USER_AGENT=IPHONE).status_code == 200
    assert not Signature.objects.exists()
    done = client.post(confirm, HTTP_USER_AGENT=IPHONE)
    assert done.status_code == 200
    assert "Your name is on" in done.text
    person = Person.objects.get(email="ada@example.org")
    assert Signature.objects.filter(petition=petition, person=person).exists()

    supporter = Supporter.objects.get(person=person)
    assert supporter.status == Supporter.Status.CONFIRMED
    assert supporter.source == Supporter.Source.PETITION
    assert [
        (e.channel, e.method, e.granted)
        for e in ConsentEvent.objects.filter(person=person)
    ] == [(Channel.EMAIL, Method.PETITION, True)]
    # One Person throughout: the signer and the supporter are the same record.
    assert Person.objects.filter(email__iexact="ada@example.org").count() == 1


def test_signer_who_does_not_tick_email_signs_on_confirming_and_joins_nothing(
    client, petition, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("campaigns:petition", args=[petition.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, _form(), follow=True)
    assert "check your email" in response.text
    assert [m.to for m in mailoutbox] == [["ada@example.org"]]
    confirm = re.search(r"/supporters/confirm/\S+/", mailoutbox[0].body).group(0)
    client.post(confirm)
    client.post(confirm)  # twice: one signature
    assert not Supporter.objects.exists()
    assert not ConsentEvent.objects.exists()
    assert Signature.objects.count() == 1


def test_unconfirmed_signatures_are_purged(petition, client):
    from datetime import timedelta

    from django.utils import timezone

    url = reverse("campaigns:petition", args=[petition.slug])
    client.post(url, _form())
    SignupRequest.objects.update(created=timezone.now() - timedelta(days=31))
    assert signup_requests_purge() == 1
    assert signup_requests_purge() == 0
    assert not SignupRequest.objects.exists()
    assert not Person.objects.filter(email="ada@example.org").exists()


def test_petition_form_has_an_hourly_allowance_per_ip(client, petition, settings):
    settings.CAMPAIGNS_PETITION_SIGNATURES_PER_IP_PER_HOUR = 2
    url = reverse("campaigns:petition", args=[petition.slug])
    for n in range(2):
        response = client.post(
            url, _form(email=f"p{n}@example.org"), REMOTE_ADDR="192.0.2.7"
        )
        assert response.status_code == 302
    response = client.post(url, _form(email="p3@example.org"), REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 429
    assert "try again" in response.text
    assert SignupRequest.objects.count() == 2
    # Another connection is not held back.
    response = client.post(url, _form(email="p4@example.org"), REMOTE_ADDR="192.0.2.8")
    assert response.status_code == 302
    assert SignupRequest.objects.count() == 3
