"""My teams in the portal: join and leave, sign up for sessions, and contact details
for the team's leads only."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import (
    Measure,
    Session,
    SessionSignup,
    Target,
    Team,
    TeamMembership,
)
from campaigns.services import campaign_progress
from partyhub.audit.models import AuditEntry
from tests import factories


@pytest.fixture
def upcoming(team):
    starts = timezone.now() + datetime.timedelta(days=3)
    return Session.objects.create(
        team=team, starts=starts, ends=starts + datetime.timedelta(hours=1)
    )


def test_two_members_join_and_sign_up_for_the_next_session(
    client, clp_a, team, upcoming
):
    for _ in range(2):
        user = factories.member_user(clp_a)
        client.force_login(user)
        page = client.get(reverse("campaigns:mine"))
        assert "Saturday team" in page.text and "Join" in page.text
        client.post(reverse("campaigns:join", args=[team.pk]))
        client.post(reverse("campaigns:join", args=[team.pk]))  # a double click
        client.post(reverse("campaigns:signup", args=[upcoming.pk]))
        page = client.get(reverse("campaigns:mine"))
        assert "coming</span>" in page.text
    assert TeamMembership.objects.filter(team=team).count() == 2
    assert SessionSignup.objects.filter(session=upcoming).count() == 2
    assert AuditEntry.objects.filter(action="team.join").count() == 2


def test_member_of_other_constituency_cannot_join(client, clp_a):
    team = Team.objects.create(name="Hodge Hill only")
    team.constituencies.add(clp_a)
    outsider = factories.member_user(factories.ConstituencyFactory())
    client.force_login(outsider)
    assert client.post(reverse("campaigns:join", args=[team.pk])).status_code == 404
    assert not TeamMembership.objects.exists()


def test_signup_needs_team_membership(client, member_a, upcoming):
    client.force_login(member_a)
    response = client.post(reverse("campaigns:signup", args=[upcoming.pk]))
    assert response.status_code == 404
    assert not SessionSignup.objects.exists()


def test_leaving_drops_future_signups(client, member_a, team, upcoming):
    client.force_login(member_a)
    client.post(reverse("campaigns:join", args=[team.pk]))
    client.post(reverse("campaigns:signup", args=[upcoming.pk]))
    client.post(reverse("campaigns:leave", args=[team.pk]))
    assert not TeamMembership.objects.exists()
    assert not SessionSignup.objects.exists()


def test_only_a_lead_sees_the_team_contact_details(
    client, clp_a, clp_b, team, lead, member_a
):
    colleague = factories.PersonFactory(
        constituency=clp_a, email="bob@example.org", mobile="07700 900123"
    )
    team.members.add(member_a.person, colleague)
    url = reverse("campaigns:team_contacts", args=[team.pk])

    client.force_login(lead)
    page = client.get(url)
    assert page.status_code == 200
    assert "bob@example.org" in page.text and "07700 900123" in page.text
    assert url in client.get(reverse("campaigns:mine")).text

    client.force_login(member_a)
    assert client.get(url).status_code == 404
    mine = client.get(reverse("campaigns:mine")).text
    assert url not in mine
    assert "bob@example.org" not in mine


def test_a_lead_who_leaves_the_team_no_longer_sees_its_contact_details(
    client, team, lead, member_a
):
    team.members.add(member_a.person)
    url = reverse("campaigns:team_contacts", args=[team.pk])
    client.force_login(lead)
    assert client.get(url).status_code == 200
    client.post(reverse("campaigns:leave", args=[team.pk]))
    assert client.get(url).status_code == 404
    assert not team.leads.filter(pk=lead.person.pk).exists()


def test_portal_home_lists_my_teams(client, member_a):
    client.force_login(member_a)
    page = client.get(reverse("portal:home"))
    assert reverse("campaigns:mine") in page.text


@pytest.fixture
def last_saturday(team):
    starts = timezone.now() - datetime.timedelta(days=2)
    return Session.objects.create(
        team=team, starts=starts, ends=starts + datetime.timedelta(hours=1)
    )


def test_lead_records_300_leaflets_on_the_phone_page_and_target_moves(
    client, campaign, team, lead, member_a, last_saturday
):
    Target.objects.create(
        campaign=campaign,
        measure=Measure.LEAFLETS,
        number=1500,
        by=timezone.localdate() + datetime.timedelta(days=60),
    )
    campaign.starts = timezone.localdate() - datetime.timedelta(days=30)
    campaign.save()
    team.members.add(member_a.person)
    client.force_login(lead)
    url = reverse("campaigns:record", args=[last_saturday.pk])
    assert url in client.get(reverse("campaigns:mine")).text
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "attended": [lead.person.pk, member_a.person.pk],
            "leaflets": "300",
            "doors": "0",
            "calls": "0",
            "posters": "2",
            "contacts": "0",
            "notes": "Acacia Avenue",
        },
    )
    assert response.status_code == 302
    assert campaign_progress(campaign)[0].done == 300
    assert set(
        last_saturday.signups.filter(attended=True).values_list("person", flat=True)
    ) == {lead.person.pk, member_a.person.pk}


def test_lead_records_the_ward_and_only_that_wards_target_moves(
    client, campaign, team, lead, clp_a, last_saturday
):
    campaign.starts = timezone.localdate() - datetime.timedelta(days=30)
    campaign.save()
    here, there = (
        factories.WardFactory(constituency=clp_a, name="Washwood Heath"),
        factories.WardFactory(constituency=clp_a, name="Hodge Hill ward"),
    )
    by = timezone.localdate() + datetime.timedelta(days=60)
    for ward in (None, here, there):
        Target.objects.create(
            campaign=campaign, measure=Measure.LEAFLETS, ward=ward, number=600, by=by
        )
    client.force_login(lead)
    url = reverse("campaigns:record", args=[last_saturday.pk])
    page = client.get(url)
    assert "Washwood Heath" in page.text  # the lead chooses the ward worked
    form = {
        "leaflets": "300",
        "doors": "0",
        "calls": "0",
        "posters": "0",
        "contacts": "0",
        "ward": str(here.pk),
    }
    assert client.post(url, form).status_code == 302
    done = {p.target.ward: p.done for p in campaign_progress(campaign)}
    assert done == {None: 300, here: 300, there: 0}


def test_team_member_who_is_not_lead_cannot_record(
    client, team, member_a, last_saturday
):
    team.members.add(member_a.person)
    client.force_login(member_a)
    url = reverse("campaigns:record", args=[last_saturday.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"leaflets": "5"}).status_code == 404
    assert not hasattr(Session.objects.get(pk=last_saturday.pk), "output")
