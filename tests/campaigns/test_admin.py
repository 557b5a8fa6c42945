"""Campaigns in the admin: scoped, cross-constituency teams show each CLP only its
own people, progress bars, petition counts without N+1, the audited export."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import Campaign, Measure, Petition, Session, Target, Team
from campaigns.services import session_output_record, sessions_generate
from partyhub.audit.models import AuditEntry
from tests import factories
from tests.pending import sign_confirmed


@pytest.fixture
def crew(team, clp_a, clp_b):
    """One team member from each CLP on the shared team."""
    alice = factories.PersonFactory(
        constituency=clp_a, first_name="Alice", last_name="Aardvark"
    )
    bob = factories.PersonFactory(
        constituency=clp_b, first_name="Bob", last_name="Bandicoot"
    )
    team.members.add(alice, bob)
    team.leads.add(bob)
    return alice, bob


def test_cross_constituency_team_shows_each_clp_only_its_own_people(
    client, officer_a, officer_b, team, crew
):
    url = reverse("admin:campaigns_team_change", args=[team.pk])
    client.force_login(officer_a)
    page_a = client.get(url)
    client.force_login(officer_b)
    page_b = client.get(url)

    assert page_a.status_code == page_b.status_code == 200
    assert "Aardvark" in page_a.text and "Bandicoot" not in page_a.text
    assert "Bandicoot" in page_b.text and "Aardvark" not in page_b.text


def test_session_signups_of_the_other_clp_are_absent(
    client, officer_a, team, crew, lead
):
    alice, bob = crew
    sessions_generate(
        team=team, since=datetime.date(2026, 10, 1), until=datetime.date(2026, 10, 8)
    )
    session = Session.objects.get(team=team)
    session_output_record(session=session, actor=lead, attended=[alice, bob])
    client.force_login(officer_a)
    page = client.get(reverse("admin:campaigns_session_change", args=[session.pk]))
    assert page.status_code == 200
    assert "Aardvark" in page.text and "Bandicoot" not in page.text


def test_team_of_another_constituency_only_is_404(client, officer_b, clp_a):
    own_team = Team.objects.create(name="Hodge Hill only")
    own_team.constituencies.add(clp_a)
    client.force_login(officer_b)
    response = client.get(reverse("admin:campaigns_team_change", args=[own_team.pk]))
    assert response.status_code == 404
    listing = client.get(reverse("admin:campaigns_team_changelist"))
    assert "Hodge Hill only" not in listing.text


def test_saving_a_shared_team_keeps_the_other_clp_and_its_people(
    client, officer_a, team, crew, clp_a, clp_b
):
    alice, bob = crew
    client.force_login(officer_a)
    url = reverse("admin:campaigns_team_change", args=[team.pk])
    data = {
        "name": "Saturday crew",
        "constituencies": [clp_a.pk],
        "area": "",
        "weekday": "5",
        "start_time": "10:00",
        "duration_minutes": "60",
        "every_weeks": "1",
        "meeting_point": "The clock tower",
        "timezone": "Europe/London",
    }
    for prefix, count in (
        ("teamlead_set", 0),
        ("teammembership_set", 1),
        ("sessions", 0),
    ):
        data |= {
            f"{prefix}-TOTAL_FORMS": str(count),
            f"{prefix}-INITIAL_FORMS": str(count),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    membership = team.teammembership_set.get(person=alice)
    data |= {
        "teammembership_set-0-id": str(membership.pk),
        "teammembership_set-0-team": str(team.pk),
        "teammembership_set-0-person": str(alice.pk),
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    team.refresh_from_db()
    assert team.name == "Saturday crew"
    assert set(team.constituencies.all()) == {clp_a, clp_b}
    assert set(team.members.all()) == {alice, bob}
    assert set(team.leads.all()) == {bob}


def test_campaign_page_shows_progress_bars(client, officer_a, campaign, lead, team):
    Target.objects.create(
        campaign=campaign,
        measure=Measure.LEAFLETS,
        number=1500,
        by=datetime.date(2026, 12, 31),
    )
    sessions_generate(
        team=team, since=datetime.date(2026, 10, 1), until=datetime.date(2026, 10, 8)
    )
    session_output_record(
        session=Session.objects.get(team=team), actor=lead, attended=[], leaflets=300
    )
    client.force_login(officer_a)
    page = client.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))
    assert page.status_code == 200
    assert '<progress max="1500" value="300">20%</progress>' in page.text
    assert "300 / 1500 (20%)" in page.text


def test_campaign_of_other_clp_only_is_404(client, officer_b, clp_a):
    campaign = Campaign.objects.create(name="Hodge Hill bus", starts="2026-01-01")
    campaign.constituencies.add(clp_a)
    client.force_login(officer_b)
    url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    assert client.get(url).status_code == 404


def _sign(petition, n):
    for i in range(n):
        sign_confirmed(
            petition=petition,
            data={
                "first_name": f"Signer{i}",
                "last_name": "Smith",
                "email": f"s{i}@example.org",
                "postcode": "B8 1AA",
            },
        )


def test_petition_list_counts_signatures_without_n_plus_one(
    client, officer_a, petition, clp_a
):
    _sign(petition, 3)
    client.force_login(officer_a)
    url = reverse("admin:campaigns_petition_changelist")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(3):
        other = Petition.objects.create(
            constituency=clp_a,
            slug=f"p{i}",
            title=f"Petition {i}",
            text="x",
            status=Petition.Status.OPEN,
        )
        _sign(other, 2)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many) == len(few)
    assert '<td class="field-signature_count">3</td>' in response.text


def test_hand_in_export_is_names_and_postcodes_and_audited(
    client, officer_a, officer_b, petition
):
    _sign(petition, 2)
    url = reverse("admin:campaigns_petition_changelist")
    client.force_login(officer_b)
    client.post(
        url, {"action": "export_for_hand_in", "_selected_action": [petition.pk]}
    )
    assert not AuditEntry.objects.filter(action="petition.export").exists()

    client.force_login(officer_a)
    response = client.post(
        url, {"action": "export_for_hand_in", "_selected_action": [petition.pk]}
    )
    lines = response.content.decode().splitlines()
    assert lines == [
        "Petition,Name,Postcode",
        "Save the library,Signer0 Smith,B8 1AA",
        "Save the library,Signer1 Smith,B8 1AA",
    ]
    entry = AuditEntry.objects.get(action="petition.export")
    assert (entry.actor, entry.row_count) == (officer_a, 2)


def test_hand_in_export_neutralises_spreadsheet_formulas(client, officer_a, petition):
    sign_confirmed(
        petition=petition,
        data={
            "first_name": '=HYPERLINK("http://evil.example")',
            "last_name": "Smith",
            "email": "formula@example.org",
            "postcode": "B8 1AA",
        },
    )
    client.force_login(officer_a)
    response = client.post(
        reverse("admin:campaigns_petition_changelist"),
        {"action": "export_for_hand_in", "_selected_action": [petition.pk]},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][1].startswith("'=HYPERLINK")


def _campaign_form(campaign, targets, constituencies):
    data = {
        "name": campaign.name,
        "description": "",
        "starts": "2026-09-01",
        "ends": "",
        # The officer sees (and sends) their own; the others are kept.
        "constituencies": [c.pk for c in constituencies],
        "targets-TOTAL_FORMS": str(len(targets)),
        "targets-INITIAL_FORMS": str(sum(1 for t in targets if "id" in t)),
        "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "1000",
    }
    for n, target in enumerate(targets):
        data |= {f"targets-{n}-{k}": v for k, v in target.items()}
        data[f"targets-{n}-campaign"] = str(campaign.pk)
    return data


def test_target_ward_must_be_the_officers_own_and_others_are_kept(
    client, officer_a, campaign, clp_a, clp_b
):
    ward_a = factories.WardFactory(constituency=clp_a)
    ward_b = factories.WardFactory(constituency=clp_b, name="Southcote")
    Target.objects.create(
        campaign=campaign, measure=Measure.LEAFLETS, ward=ward_b, number=500,
        by=datetime.date(2026, 12, 31),
    )  # fmt: skip
    url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    client.force_login(officer_a)
    # The other CLP's ward target is theirs: not shown, so never named.
    assert "Southcote" not in client.get(url).text

    new = {"measure": Measure.DOORS, "number": "100", "by": "2026-12-31"}
    refused = client.post(
        url, _campaign_form(campaign, [{**new, "ward": str(ward_b.pk)}], [clp_a])
    )
    assert refused.status_code == 200
    assert "That ward is not one of yours" in refused.text
    assert "Southcote" not in refused.text
    assert Target.objects.count() == 1

    saved = client.post(
        url, _campaign_form(campaign, [{**new, "ward": str(ward_a.pk)}], [clp_a])
    )
    assert saved.status_code == 302, (
        saved.context["adminform"].form.errors,
        [f.errors for f in saved.context["inline_admin_formsets"][0].formset],
    )
    assert set(Target.objects.values_list("ward", flat=True)) == {ward_a.pk, ward_b.pk}
    assert set(campaign.constituencies.all()) == {clp_a, clp_b}
