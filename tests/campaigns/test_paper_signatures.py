"""Signatures collected on paper at a stall, entered in bulk by an officer: all or
nothing, row errors, no duplicates, consent only for ticked boxes, audited."""

import pytest
from django.urls import reverse

from campaigns.models import Signature
from campaigns.services import petition_paper_signatures_add
from members.models import Person
from partyhub.audit.models import AuditEntry
from partyhub.comms.models import Channel, ConsentEvent, Method
from tests.pending import sign_confirmed

LINES = """name,postcode,email,email box,post box
Ada Lovelace, b8 1aa, ada@example.org, y,
Charles Babbage, B8 2BB, , , x
Mary Somerville, B9 4AA, mary@example.org, ,
"""


def _url(petition):
    return reverse("admin:campaigns_petition_paper", args=[petition.pk])


def test_officer_enters_paper_signatures_with_only_ticked_consent(
    client, officer_a, petition
):
    client.force_login(officer_a)
    response = client.post(_url(petition), {"lines": LINES})
    assert response.status_code == 302

    signatures = Signature.objects.filter(petition=petition)
    assert signatures.count() == 3
    assert set(signatures.values_list("source", flat=True)) == {"paper"}
    assert set(signatures.values_list("entered_by", flat=True)) == {officer_a.pk}
    ada = Person.objects.get(email="ada@example.org")
    babbage = Person.objects.get(last_name="Babbage")
    mary = Person.objects.get(email="mary@example.org")
    assert babbage.postcode == "B8 2BB" and babbage.email == ""
    consents = {
        (e.person_id, e.channel, e.method)
        for e in ConsentEvent.objects.filter(person__in=[ada, babbage, mary])
    }
    assert consents == {
        (ada.pk, Channel.EMAIL, Method.PETITION),
        (babbage.pk, Channel.POST, Method.PETITION),
    }
    event = ConsentEvent.objects.get(person=ada)
    assert event.wording.startswith("Ticked on a paper petition form")
    assert event.recorded_by == officer_a
    entry = AuditEntry.objects.get(action="petition.paper_signatures_add")
    assert entry.actor == officer_a and entry.row_count == 3
    assert entry.constituency_id == petition.constituency_id


def test_a_bad_line_adds_nothing_and_is_shown(client, officer_a, petition):
    client.force_login(officer_a)
    lines = "Ada Lovelace, B8 1AA\nCharles Babbage, not a postcode\nPlato, B8 1AA\n"
    response = client.post(_url(petition), {"lines": lines})
    assert response.status_code == 200
    assert "Nothing was added" in response.text
    assert "“not a postcode” is not a full UK postcode." in response.text
    assert "Give a first name and a last name." in response.text
    assert not Signature.objects.exists()
    assert not Person.objects.filter(last_name="Lovelace").exists()
    assert not AuditEntry.objects.filter(action="petition.paper_signatures_add")


def test_ticked_email_box_without_an_address_is_an_error(officer_a, petition):
    report = petition_paper_signatures_add(
        petition=petition, text="Ada Lovelace, B8 1AA, , y", actor=officer_a
    )
    assert not report.applied
    assert report.errors == [
        (1, "The email box is ticked but there is no email address.")
    ]
    assert not Signature.objects.exists()


def test_no_duplicates_in_the_batch_or_with_online_signers(officer_a, petition):
    sign_confirmed(
        petition=petition,
        data={
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada@example.org",
            "postcode": "B8 1AA",
        },
    )
    doubled = (
        "Ada Lovelace, B8 1AA, ADA@example.org\nAda Lovelace, B8 1AA, ada@example.org"
    )
    report = petition_paper_signatures_add(
        petition=petition, text=doubled, actor=officer_a
    )
    assert report.errors == [(2, "The same signer as line 1.")]
    assert Signature.objects.count() == 1

    once = "Ada Lovelace, B8 1AA, ADA@example.org\nCharles Babbage, B8 2BB"
    report = petition_paper_signatures_add(
        petition=petition, text=once, actor=officer_a
    )
    assert (report.added, report.already) == (1, 1)
    # The same stall entered twice: the people without email are matched by name
    # and postcode, so nobody is counted twice.
    report = petition_paper_signatures_add(
        petition=petition, text="charles babbage, b82bb", actor=officer_a
    )
    assert (report.added, report.already) == (0, 1)
    assert Signature.objects.count() == 2
    assert Person.objects.filter(last_name="Babbage").count() == 1
    assert Person.objects.filter(email__iexact="ada@example.org").count() == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_officer_of_another_clp_cannot_enter_signatures(
    client, officer_b, petition, method
):
    client.force_login(officer_b)
    response = getattr(client, method)(_url(petition), {"lines": LINES})
    assert response.status_code == 404
    assert not Signature.objects.exists()


def test_petition_page_links_to_paper_entry(client, officer_a, petition):
    client.force_login(officer_a)
    page = client.get(reverse("admin:campaigns_petition_change", args=[petition.pk]))
    assert _url(petition) in page.text
    form = client.get(_url(petition))
    assert form.status_code == 200
    assert "Enter the signatures collected on paper" in form.text
