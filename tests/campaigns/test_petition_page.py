"""The public petition page: phone-first, strict CSP, unticked boxes, a count."""

import re
import time

import pytest
from django.urls import reverse

from campaigns.models import Petition, Signature
from campaigns.services import CONSENT_WORDING
from members.models import Person
from partyhub.comms.models import Channel, ConsentEvent, Method
from partyhub.forms import started_token
from supporters.models import SignupRequest
from tests import factories
from tests.pending import confirm_pending


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


def test_page_shows_text_count_and_unticked_boxes(client, petition):
    response = client.get(reverse("campaigns:petition", args=[petition.slug]))
    assert response.status_code == 200
    assert petition.text in response.text
    assert "0 confirmed signatures" in response.text
    boxes = re.findall(r'<input type="checkbox"[^>]*>', response.text)
    assert len(boxes) == 2
    assert not any("checked" in box for box in boxes)
    assert str(CONSENT_WORDING[Channel.EMAIL]) in response.text


def test_page_has_no_inline_script_or_style(client, petition):
    text = client.get(reverse("campaigns:petition", args=[petition.slug])).text
    assert " style=" not in text
    assert "<style" not in text
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", text)
    assert re.search(r"<meta name=\"viewport\"", text)


def test_signing_counts_once_confirmed_and_records_ticked_consent(client, petition):
    url = reverse("campaigns:petition", args=[petition.slug])
    response = client.post(url, _form(consent_post="on"))
    assert response.status_code == 302
    client.post(url, _form(email="ADA@example.org"))
    # Nothing counts, and nobody exists, until the address is confirmed.
    assert not Signature.objects.exists()
    assert not Person.objects.filter(email__iexact="ada@example.org").exists()
    assert "0 confirmed signatures" in client.get(url).text

    first, second = SignupRequest.objects.order_by("pk")
    confirm_pending(first)
    confirm_pending(second)
    confirm_pending(first)  # a second press of the same link
    assert Signature.objects.filter(petition=petition).count() == 1
    person = Person.objects.get(email__iexact="ada@example.org")
    assert person.postcode == "B8 1AA"
    assert [
        (e.channel, e.method) for e in ConsentEvent.objects.filter(person=person)
    ] == [(Channel.POST, Method.PETITION)]
    page = client.get(url)
    assert "1 confirmed signature" in page.text


def test_unconfirmed_signature_changes_nothing_about_a_known_person(client, petition):
    """Someone typing a known person's address cannot sign in their name, rename
    them, move them or grant consent over their refusal."""
    from partyhub.comms.consent import consent_record

    known = factories.PersonFactory(
        constituency=petition.constituency,
        email="known@example.org",
        first_name="Kay",
        last_name="Known",
        postcode="B8 2BB",
    )
    consent_record(
        person=known, channel=Channel.POST, granted=False, method=Method.OFFICER,
        wording="Asked on the phone not to be written to.",
    )  # fmt: skip
    before = list(ConsentEvent.objects.values_list("pk", "channel", "granted"))
    url = reverse("campaigns:petition", args=[petition.slug])
    response = client.post(
        url,
        _form(
            email="Known@Example.org",
            first_name="Mallory",
            last_name="Forger",
            postcode="b8 1aa",
            consent_post="on",
            consent_email="on",
        ),
    )
    assert response.status_code == 302
    known.refresh_from_db()
    assert (known.first_name, known.last_name, known.postcode) == (
        "Kay",
        "Known",
        "B8 2BB",
    )
    assert list(ConsentEvent.objects.values_list("pk", "channel", "granted")) == before
    assert not Signature.objects.exists()
    assert Person.objects.count() == 1
    # The page says the same as for anyone: check your email.
    assert "check your email" in client.get(response["Location"]).text


def test_bot_filling_the_honeypot_stores_nothing(client, petition):
    url = reverse("campaigns:petition", args=[petition.slug])
    response = client.post(url, _form(website="http://spam.example"))
    assert response.status_code == 302
    assert not Person.objects.filter(email="ada@example.org").exists()


def test_invalid_form_shows_errors(client, petition):
    url = reverse("campaigns:petition", args=[petition.slug])
    response = client.post(url, _form(email="not-an-email"))
    assert response.status_code == 200
    assert "Please check the form" in response.text
    assert not Signature.objects.exists()


@pytest.mark.parametrize("status", [Petition.Status.DRAFT])
def test_draft_petition_is_not_public(client, petition, status):
    petition.status = status
    petition.save()
    url = reverse("campaigns:petition", args=[petition.slug])
    assert client.get(url).status_code == 404


def test_closed_petition_shows_no_form(client, petition):
    petition.status = Petition.Status.CLOSED
    petition.save()
    url = reverse("campaigns:petition", args=[petition.slug])
    response = client.get(url)
    assert response.status_code == 200
    assert '<form method="post"' not in response.text
    assert client.post(url, _form()).status_code == 200
    assert not Signature.objects.exists()
