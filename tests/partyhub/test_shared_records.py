"""Shared records (teams, campaigns, events, networks): an officer deletes one only
when it holds nothing of another CLP, the delete page names nobody, and every audit
entry of a shared record is read by the officers of every CLP it spans (13.3)."""

import datetime

import pytest
from django.urls import reverse

from campaigns.models import Team
from events.models import Event
from partyhub.audit.models import AuditEntry
from tests import factories


def _team(*clps, name="Saturday team"):
    team = Team.objects.create(
        name=name,
        weekday=5,
        start_time=datetime.time(10, 0),
        duration_minutes=60,
        meeting_point="The clock tower",
    )
    team.constituencies.set(clps)
    return team


@pytest.fixture
def shared_team(clp_a, clp_b):
    team = _team(clp_a, clp_b)
    team.members.add(
        factories.PersonFactory(
            first_name="Bob", last_name="Bandicoot", constituency=clp_b
        )
    )
    return team


def test_officer_cannot_delete_a_team_shared_with_another_clp(
    client, officer_a, shared_team
):
    client.force_login(officer_a)
    url = reverse("admin:campaigns_team_delete", args=[shared_team.pk])
    page = client.get(url, follow=True)
    assert "is shared with Reading West" in page.text
    assert "remove your constituency from it" in page.text
    assert "Bandicoot" not in page.text
    client.post(url, {"post": "yes"})
    assert Team.objects.filter(pk=shared_team.pk).exists()


def test_bulk_delete_of_a_shared_team_is_refused_without_naming_people(
    client, officer_a, shared_team
):
    client.force_login(officer_a)
    changelist = reverse("admin:campaigns_team_changelist")
    data = {"action": "delete_selected", "_selected_action": [shared_team.pk]}
    page = client.post(changelist, data)
    assert "Reading West" in page.text
    assert "Bandicoot" not in page.text
    client.post(changelist, {**data, "post": "yes"})
    assert Team.objects.filter(pk=shared_team.pk).exists()


def test_own_team_holding_another_clps_person_is_not_deleted(
    client, officer_a, clp_a, clp_b
):
    team = _team(clp_a)
    team.members.add(factories.PersonFactory(last_name="Bandicoot", constituency=clp_b))
    client.force_login(officer_a)
    url = reverse("admin:campaigns_team_delete", args=[team.pk])
    assert "is shared with Reading West" in client.get(url, follow=True).text
    client.post(url, {"post": "yes"})
    assert Team.objects.filter(pk=team.pk).exists()


def test_own_team_is_deleted_and_the_page_names_nobody(client, officer_a, clp_a):
    team = _team(clp_a)
    team.members.add(factories.PersonFactory(last_name="Aardvark", constituency=clp_a))
    client.force_login(officer_a)
    url = reverse("admin:campaigns_team_delete", args=[team.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Saturday team" in page.text
    assert "Aardvark" not in page.text
    client.post(url, {"post": "yes"})
    assert not Team.objects.filter(pk=team.pk).exists()


def test_shared_event_cannot_be_deleted_by_one_clp(client, officer_a, clp_a, clp_b):
    event = Event.objects.create(
        title="Joint hustings",
        starts=datetime.datetime(2026, 12, 20, 19, 0, tzinfo=datetime.UTC),
        ends=datetime.datetime(2026, 12, 20, 21, 0, tzinfo=datetime.UTC),
    )
    event.constituencies.set([clp_a, clp_b])
    client.force_login(officer_a)
    url = reverse("admin:events_event_delete", args=[event.pk])
    assert "is shared with Reading West" in client.get(url, follow=True).text
    client.post(url, {"post": "yes"})
    assert Event.objects.filter(pk=event.pk).exists()


def test_audit_entries_of_a_shared_record_reach_every_clp_it_spans(
    client, officer_a, officer_b, shared_team
):
    from partyhub.audit.services import audit_log

    audit_log(actor=officer_a, action="team.change", obj=shared_team)
    entry = AuditEntry.objects.get(action="team.change")
    assert entry.constituency_id is not None
    for officer in (officer_a, officer_b):
        assert AuditEntry.objects.in_constituencies(officer).filter(pk=entry.pk)
    client.force_login(officer_b)
    page = client.get(reverse("admin:audit_auditentry_changelist"))
    assert "Saturday team" in page.text
    assert "Hodge Hill, Reading West" in page.text
    outsider = factories.officer(factories.ConstituencyFactory(name="Yardley"))
    assert not AuditEntry.objects.in_constituencies(outsider).filter(pk=entry.pk)


def test_deleting_shared_teams_is_audited_for_every_clp_they_spanned(
    client, superuser, clp_a, clp_b, officer_a, officer_b
):
    teams = [_team(clp_a, clp_b, name=n) for n in ("Saturday team", "Sunday team")]
    client.force_login(superuser)
    client.post(
        reverse("admin:campaigns_team_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [t.pk for t in teams],
            "post": "yes",
        },
    )
    assert not Team.objects.exists()
    for officer in (officer_a, officer_b):
        seen = AuditEntry.objects.in_constituencies(officer)
        assert seen.filter(action="team.delete").count() == 2
        assert seen.get(action="team.bulk_delete").row_count == 2
