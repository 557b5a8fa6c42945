"""Local case studies: consent is recorded with who and when, campaigners find
only the consented stories, searchable, each CLP only its own."""

import datetime

import pytest
from django.db import IntegrityError
from django.urls import reverse

from campaigns.models import CaseStudy
from partyhub.audit.models import AuditEntry
from tests import factories


@pytest.fixture
def stories(clp_a, clp_b):
    ward = factories.WardFactory(constituency=clp_a, name="Washwood Heath")
    consented = CaseStudy.objects.create(
        constituency=clp_a,
        ward=ward,
        title="Mould in the flats on Bromford Drive",
        policy_area="Housing",
        text="Aisha's children have had asthma since the damp came back.",
        consent_given=True,
        consent_given_by="Aisha K., by email",
        consent_date=datetime.date(2026, 10, 2),
    )
    waiting = CaseStudy.objects.create(
        constituency=clp_a,
        title="The bus that never comes",
        policy_area="Transport",
        text="Not yet agreed.",
    )
    elsewhere = CaseStudy.objects.create(
        constituency=clp_b,
        title="Reading's closed library",
        policy_area="Housing",
        text="From Reading West.",
        consent_given=True,
        consent_given_by="J. Smith",
        consent_date=datetime.date(2026, 10, 2),
    )
    return consented, waiting, elsewhere


def test_campaigner_finds_only_consented_stories_of_own_clp(client, clp_a, stories):
    campaigner = factories.officer(clp_a, role="womens_officer")
    client.force_login(campaigner)
    url = reverse("admin:campaigns_casestudy_changelist")
    page = client.get(url, {"q": "housing"})
    assert page.status_code == 200
    assert "Mould in the flats" in page.text
    assert "Reading" not in page.text
    assert "The bus that never comes" not in client.get(url).text
    waiting = stories[1]
    change = reverse("admin:campaigns_casestudy_change", args=[waiting.pk])
    assert client.get(change).status_code == 404


def test_editor_sees_stories_waiting_for_consent(client, officer_a, stories):
    client.force_login(officer_a)
    page = client.get(reverse("admin:campaigns_casestudy_changelist"))
    assert "The bus that never comes" in page.text
    assert "Reading" not in page.text


def test_consent_needs_who_and_when(client, officer_a, clp_a):
    client.force_login(officer_a)
    url = reverse("admin:campaigns_casestudy_add")
    data = {
        "constituency": clp_a.pk,
        "title": "Waiting lists",
        "policy_area": "NHS",
        "text": "Eighteen months for a hip.",
        "consent_given": "on",
        "consent_given_by": "",
        "consent_date": "",
    }
    page = client.post(url, data)
    assert page.status_code == 200
    assert "Say who gave consent." in page.text
    assert "Say when consent was given." in page.text
    assert not CaseStudy.objects.exists()

    data.update(consent_given_by="Mr P., in person", consent_date="2026-11-01")
    assert client.post(url, data).status_code == 302
    story = CaseStudy.objects.get()
    assert story.created_by == officer_a
    assert AuditEntry.objects.filter(action="casestudy.create").count() == 1


def test_database_refuses_consent_without_a_record(clp_a):
    with pytest.raises(IntegrityError):
        CaseStudy.objects.create(
            constituency=clp_a,
            title="x",
            policy_area="y",
            text="z",
            consent_given=True,
        )


def test_findable_is_only_consented(stories):
    consented, _waiting, elsewhere = stories
    assert set(CaseStudy.objects.findable()) == {consented, elsewhere}
