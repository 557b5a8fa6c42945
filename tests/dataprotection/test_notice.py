"""Each CLP's public privacy notice, linked from the forms that collect data and
from every email; the appropriate policy document and the record of processing,
generated from the register and the schedule, for officers of that CLP."""

import csv
import io

from django.urls import reverse

from campaigns.models import Petition
from partyhub.audit.models import AuditEntry
from partyhub.comms.rendering import render
from partyhub.personal_data import registered_models
from tests import factories


def test_public_notice_says_who_what_why_how_long_and_rights(client, clp_a):
    clp_a.contact_email = "secretary@hodgehill.example.org"
    clp_a.save()
    page = client.get(reverse("privacy:notice", args=[clp_a.slug]))
    assert page.status_code == 200
    text = page.text
    assert "Hodge Hill Constituency Labour Party is the controller" in text
    assert "secretary@hodgehill.example.org" in text
    assert "The supporters&#x27; club" in text  # what is held, and why
    assert "Your consent (art. 6(1)(a))" in text  # lawful basis
    assert "schedule 1 paragraph 22" in text  # political opinions
    # The retention table comes from the schedule.
    assert "30 days after the form was sent" in text
    assert "6 years after their membership lapsed or they resigned" in text
    assert "Complain" in text and "ico.org.uk" in text
    assert client.get(reverse("privacy:notice", args=["nowhere"])).status_code == 404
    index = client.get(reverse("privacy:index"))
    assert reverse("privacy:notice", args=[clp_a.slug]) in index.text


def test_forms_that_collect_data_link_to_the_clps_notice(client, clp_a):
    notice = reverse("privacy:notice", args=[clp_a.slug])
    join = client.get(reverse("supporters:join_constituency", args=[clp_a.slug]))
    assert notice in join.text
    Petition.objects.create(
        constituency=clp_a,
        slug="library",
        title="Save the library",
        text=".",
        status=Petition.Status.OPEN,
    )
    petition = client.get(reverse("campaigns:petition", args=["library"]))
    assert notice in petition.text
    home = client.get(reverse("members:constituency", args=[clp_a.slug]))
    assert notice in home.text
    claim = client.get(reverse("accounts:claim"))
    assert reverse("privacy:index") in claim.text


def test_every_email_footer_links_to_the_notice(clp_a, settings):
    settings.SITE_URL = "https://partyhub.example.org"
    rendered = render(
        subject="News",
        body_markdown="Hello",
        constituency=clp_a,
        topic="",
        reason="Because you are a member.",
    )
    url = "https://partyhub.example.org" + reverse("privacy:notice", args=[clp_a.slug])
    assert url in rendered.text
    assert url in rendered.html


def test_officer_downloads_the_record_of_processing_for_their_clp(
    client, clp_a, clp_b, officer_a
):
    client.force_login(officer_a)
    response = client.get(reverse("admin:dataprotection_ropa", args=[clp_a.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {r["Model"] for r in rows} == {e.label for e in registered_models()}
    person = next(r for r in rows if r["Model"] == "members.Person")
    assert person["Controller"] == "Hodge Hill"
    signups = next(r for r in rows if r["Model"] == "supporters.SignupRequest")
    assert "30 days" in signups["How long it is kept"]
    assert AuditEntry.objects.filter(
        action="privacy.ropa_download", constituency=clp_a
    ).exists()
    assert (
        client.get(reverse("admin:dataprotection_ropa", args=[clp_b.pk])).status_code
        == 404
    )


def test_officer_downloads_the_appropriate_policy_document(
    client, clp_a, clp_b, officer_a, member_a
):
    url = reverse("admin:dataprotection_policy", args=[clp_a.pk])
    assert client.get(url).status_code == 302
    client.force_login(member_a)
    assert client.get(url).status_code == 302
    client.force_login(officer_a)
    response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Appropriate policy document: Hodge Hill" in text
    assert "schedule 1 paragraph 22" in text
    assert "Storage limitation" in text
    other = reverse("admin:dataprotection_policy", args=[clp_b.pk])
    assert client.get(other).status_code == 404
    no_2fa = factories.officer(clp_a, two_factor=False)
    client.force_login(no_2fa)
    response = client.get(url)
    assert response.status_code == 302 and response.url != url
