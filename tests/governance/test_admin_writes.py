"""Governance's writes from the admin go through named services (issue 23): the
settings an officer keeps, delegates, elections and a meeting's papers, each
audited with its own event type (GovernanceAction)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from events.services.creation import event_create_from_fields
from governance import services
from governance.audit import GovernanceAction
from governance.models import Body, Delegation, Election, Paper, Rules
from partyhub.audit.actions import AuditAction
from partyhub.audit.models import AuditEntry
from tests import factories
from tests.governance.conftest import call, member


def _entries(action):
    return list(AuditEntry.objects.filter(action=action))


@pytest.mark.django_db
def test_officer_changes_the_rules_in_the_admin_and_the_log_has_old_and_new(
    client, gc, officer_a
):
    rules = Rules.objects.get(constituency=gc.constituency)
    client.force_login(officer_a)
    url = reverse("admin:governance_rules_change", args=[rules.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: form.initial.get(name) if form.initial.get(name) is not None else ""
        for name in form.fields
    }
    data = {k: v for k, v in data.items() if v is not False}
    data["notice_days"] = 10
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    rules.refresh_from_db()
    assert rules.notice_days == 10
    (entry,) = _entries(GovernanceAction.RULES_CHANGED)
    assert entry.detail["changes"]["notice_days"] == {"old": 7, "new": 10}
    # Saving again unchanged writes no entry.
    client.post(url, data)
    assert len(_entries(GovernanceAction.RULES_CHANGED)) == 1


@pytest.mark.django_db
def test_body_create_is_audited(clp_a, officer_a):
    body = services.body_create(
        instance=Body(
            constituency=clp_a,
            kind=Body.Kind.EXECUTIVE,
            name="Executive",
            quorum_number=3,
        ),
        actor=officer_a,
    )
    assert body.pk is not None
    (entry,) = _entries(GovernanceAction.BODY_CREATED)
    assert entry.object_id == str(body.pk)


@pytest.mark.django_db
def test_delegation_from_the_admin_form_is_appointed_and_its_people_are_fixed(
    clp_a, officer_a
):
    delegate_gc = Body.objects.create(
        constituency=clp_a,
        kind=Body.Kind.GC_DELEGATE,
        name="Delegate GC",
        members_per_delegate=10,
        quorum_percent=50,
    )
    north = factories.BranchFactory(constituency=clp_a, name="North")
    person = member(clp_a, branch=north)
    form_instance = Delegation(body=delegate_gc, person=person, branch=north)
    services.delegation_create(instance=form_instance, actor=officer_a)
    assert Delegation.objects.filter(pk=form_instance.pk, person=person).exists()
    assert len(_entries(GovernanceAction.DELEGATE_APPOINTED)) == 1

    stored = Delegation.objects.get(pk=form_instance.pk)
    with pytest.raises(services.GovernanceError, match="cannot be changed"):
        services.delegation_update(
            instance=stored, changes={"person": member(clp_a)}, actor=officer_a
        )
    ends = timezone.localdate() + datetime.timedelta(days=30)
    services.delegation_update(instance=stored, changes={"ends": ends}, actor=officer_a)
    assert Delegation.objects.get(pk=stored.pk).ends == ends
    assert len(_entries(GovernanceAction.DELEGATION_CHANGED)) == 1


@pytest.mark.django_db
def test_an_election_is_created_by_the_rules_and_then_fixed(gc, officer_a):
    form_instance = Election(
        body=gc,
        role="chair",
        seats=1,
        term_starts=timezone.localdate() + datetime.timedelta(days=60),
        nominations_close=timezone.now() + datetime.timedelta(days=20),
        method=Election.Method.AT_MEETING,
        min_membership_weeks=52,
    )
    saved = services.election_add(instance=form_instance, actor=officer_a)
    assert form_instance.pk == saved.pk
    assert len(_entries(GovernanceAction.ELECTION_CREATED)) == 1
    with pytest.raises(services.GovernanceError, match="cannot be changed"):
        services.election_update(instance=saved, changes={"seats": 2}, actor=officer_a)
    assert services.election_update(instance=saved, changes={}, actor=officer_a)
    assert Election.objects.get(pk=saved.pk).seats == 1


@pytest.mark.django_db
def test_papers_added_renamed_and_removed_are_audited(
    gc, officer_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    meeting = call(gc, officer_a)
    paper = Paper(
        meeting=meeting,
        title="Treasurer's report",
        file=SimpleUploadedFile("report.pdf", b"%PDF-1.4 report"),
    )
    services.paper_create(instance=paper, actor=officer_a)
    assert Paper.objects.filter(pk=paper.pk, meeting=meeting).exists()
    stored = Paper.objects.get(pk=paper.pk)
    services.paper_update(
        instance=stored, changes={"title": "Accounts"}, actor=officer_a
    )
    assert Paper.objects.get(pk=paper.pk).title == "Accounts"
    (changed,) = _entries(GovernanceAction.PAPER_CHANGED)
    assert changed.detail["changes"]["title"]["old"] == "Treasurer's report"
    services.paper_delete(instance=stored, actor=officer_a)
    assert not Paper.objects.filter(pk=paper.pk).exists()
    assert len(_entries(GovernanceAction.PAPER_REMOVED)) == 1


@pytest.mark.django_db
def test_event_create_from_fields_uses_the_canonical_event_create(clp_a, officer_a):
    starts = timezone.now() + datetime.timedelta(days=10)
    event = event_create_from_fields(
        kind=Event.Kind.BRANCH_MEETING,
        title="Branch meeting",
        starts=starts,
        ends=starts + datetime.timedelta(hours=2),
        constituencies=[clp_a],
        actor=officer_a,
    )
    assert list(event.constituencies.all()) == [clp_a]
    assert event.status == Event.Status.PUBLISHED
    (entry,) = _entries(AuditAction.EVENT_CREATED)
    assert entry.object_id == str(event.pk)


def test_governance_actions_are_registered():
    from partyhub.audit.actions import is_known

    assert all(is_known(value) for value in GovernanceAction.values)
    assert is_known("members.office_started")
    assert not is_known("governance.rules_saved")
