"""Petition signers join the supporters' club only by confirming the emailed link
(the supporters' double opt-in), and the form has a per-IP hourly allowance."""

import re

import pytest
from django.urls import reverse

from campaigns.models import Signature
from members.models import Person
from partyhub.celery import app
from partyhub.comms.models import Channel, ConsentEvent, Method
from supporters.models import Supporter

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


@pytest.fixture(autouse=True)
def eager_tasks():
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def _form(**extra):
    return {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.org",
        "postcode": "b8 1aa",
        "website": "",
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
    person = Person.objects.get(email="ada@example.org")
    assert Signature.objects.filter(petition=petition, person=person).exists()
    # Signed, but not yet a supporter and no email consent.
    assert not Supporter.objects.filter(person=person).exists()
    assert not ConsentEvent.objects.filter(person=person).exists()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["ada@example.org"]

    confirm = re.search(r"/supporters/confirm/\S+/", mailoutbox[0].body).group(0)
    # Opening the link (a mail scanner does) changes nothing; pressing Confirm does.
    assert client.get(confirm, HTTP_USER_AGENT=IPHONE).status_code == 200
    assert not Supporter.objects.filter(person=person).exists()
    assert client.post(confirm, HTTP_USER_AGENT=IPHONE).status_code == 200

    supporter = Supporter.objects.get(person=person)
    assert supporter.status == Supporter.Status.CONFIRMED
    assert supporter.source == Supporter.Source.PETITION
    assert [
        (e.channel, e.method, e.granted)
        for e in ConsentEvent.objects.filter(person=person)
    ] == [(Channel.EMAIL, Method.PETITION, True)]
    # One Person throughout: the signer and the supporter are the same record.
    assert Person.objects.filter(email__iexact="ada@example.org").count() == 1


def test_signer_who_does_not_tick_email_is_not_mailed(
    client, petition, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("campaigns:petition", args=[petition.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, _form(), follow=True)
    assert "check your email" not in response.text
    assert mailoutbox == []
    assert not Supporter.objects.exists()
    assert Signature.objects.count() == 1


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
    assert Signature.objects.count() == 2
    # Another connection is not held back.
    response = client.post(url, _form(email="p4@example.org"), REMOTE_ADDR="192.0.2.8")
    assert response.status_code == 302
    assert Signature.objects.count() == 3
