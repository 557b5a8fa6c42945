"""AGM elections: eligibility, one person one vote, secrecy by design, an exact
result, and the winner's office (with its admin rights) from the term's start."""

import datetime

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from governance import services
from governance.models import BallotCast, BallotTally, Body, Election, Rules
from members.models import Office
from partyhub.scoping import constituency_ids
from tests import factories
from tests.governance.conftest import member


@pytest.fixture
def agm(clp_a):
    Rules.objects.create(constituency=clp_a, good_standing_weeks=8)
    return Body.objects.create(constituency=clp_a, kind=Body.Kind.AGM, name="AGM")


def _election(agm, actor, **kw):
    defaults = {
        "role": "chair",
        "term_starts": timezone.localdate() + datetime.timedelta(days=10),
        "nominations_close": timezone.now() + datetime.timedelta(days=1),
        "method": Election.Method.ONLINE,
    }
    defaults.update(kw)
    return services.election_create(body=agm, actor=actor, **defaults)


@pytest.mark.django_db
def test_candidates_must_be_eligible(agm, clp_a, officer_a):
    election = _election(agm, officer_a, min_membership_weeks=52)
    with pytest.raises(services.GovernanceError, match="52 weeks"):
        services.nomination_add(
            election=election, person=member(clp_a, weeks=10), actor=officer_a
        )
    lapsed = member(clp_a, weeks=100)
    lapsed.memberships.update(status="lapsed")
    with pytest.raises(services.GovernanceError, match="good standing"):
        services.nomination_add(election=election, person=lapsed, actor=officer_a)
    services.nomination_add(
        election=election, person=member(clp_a, weeks=60), actor=officer_a
    )
    late = timezone.now() + datetime.timedelta(days=2)
    with pytest.raises(services.GovernanceError, match="closed"):
        services.nomination_add(
            election=election, person=member(clp_a), actor=officer_a, now=late
        )


@pytest.mark.django_db
def test_gender_balance_rule(agm, clp_a, officer_a):
    Rules.objects.filter(constituency=clp_a).update(gender_balance=True)
    _election(agm, officer_a, role="secretary")
    _election(agm, officer_a, role="treasurer")
    with pytest.raises(services.GovernanceError, match="reserved for women"):
        _election(agm, officer_a, role="chair")
    chair = _election(agm, officer_a, role="chair", reserved_for_women=True)
    with pytest.raises(services.GovernanceError, match="reserved for women"):
        services.nomination_add(election=chair, person=member(clp_a), actor=officer_a)
    services.nomination_add(
        election=chair, person=member(clp_a), declares_woman=True, actor=officer_a
    )


@pytest.mark.django_db
def test_secret_ballot_one_vote_each_exact_result_and_offices_move(
    agm, clp_a, officer_a
):
    old_chair = member(clp_a, user=True)
    Office.objects.create(
        person=old_chair,
        role="chair",
        constituency=clp_a,
        starts=timezone.localdate() - datetime.timedelta(days=400),
    )
    alice, bob = member(clp_a, user=True), member(clp_a)
    voters = [member(clp_a) for _ in range(7)]
    newcomer = member(clp_a, weeks=1)
    election = _election(agm, officer_a)
    n_alice = services.nomination_add(election=election, person=alice, actor=officer_a)
    n_bob = services.nomination_add(election=election, person=bob, actor=officer_a)
    with pytest.raises(services.GovernanceError, match="not open"):
        services.ballot_vote(
            election=election, person=voters[0], nomination_id=n_alice.pk
        )
    services.ballot_open(election=election, actor=officer_a)
    for voter in voters[:4]:
        services.ballot_vote(election=election, person=voter, nomination_id=n_alice.pk)
    for voter in voters[4:]:
        services.ballot_vote(election=election, person=voter, nomination_id=n_bob.pk)
    with pytest.raises(services.GovernanceError, match="already voted"):
        services.ballot_vote(
            election=election, person=voters[0], nomination_id=n_bob.pk
        )
    with pytest.raises(services.GovernanceError, match="not entitled"):
        services.ballot_vote(election=election, person=newcomer, nomination_id=n_bob.pk)
    # Nothing is shown before the ballot closes.
    assert services.results(election) == []
    with pytest.raises(services.GovernanceError, match="Close the ballot"):
        services.election_declare(election=election, actor=officer_a)
    services.ballot_close(election=election, actor=officer_a)
    with pytest.raises(services.GovernanceError, match="not open"):
        services.ballot_vote(
            election=election, person=voters[0], nomination_id=n_bob.pk
        )
    assert [(n.person, v) for n, v in services.results(election)] == [
        (alice, 4),
        (bob, 3),
    ]
    assert BallotCast.objects.filter(election=election).count() == 7
    assert sum(BallotTally.objects.values_list("votes", flat=True)) == 7

    winners = services.election_declare(election=election, actor=officer_a)
    assert [w.person for w in winners] == [alice]
    term = election.term_starts
    new_office = Office.objects.get(person=alice, role="chair")
    assert new_office.starts == term
    # The day before the term: the old chair still holds office, the new one not.
    assert list(
        Office.objects.current(term - datetime.timedelta(days=1))
        .filter(role="chair")
        .values_list("person", flat=True)
    ) == [old_chair.pk]
    # On the first day of the term: the new chair alone.
    assert list(
        Office.objects.current(term)
        .filter(role="chair")
        .values_list("person", flat=True)
    ) == [alice.pk]


@pytest.mark.django_db
def test_admin_rights_move_on_the_first_day_of_the_term(
    agm, clp_a, officer_a, monkeypatch
):
    old_chair = member(clp_a, user=True)
    Office.objects.create(
        person=old_chair,
        role="chair",
        constituency=clp_a,
        starts=timezone.localdate() - datetime.timedelta(days=400),
    )
    alice = member(clp_a, user=True)
    election = _election(agm, officer_a, method=Election.Method.AT_MEETING)
    n = services.nomination_add(election=election, person=alice, actor=officer_a)
    services.counts_record(election=election, counts={n.pk: 12}, actor=officer_a)
    services.election_declare(election=election, actor=officer_a)
    today = timezone.localdate()
    assert constituency_ids(alice.user) == frozenset()
    assert constituency_ids(old_chair.user) == {clp_a.pk}
    first_day = election.term_starts
    monkeypatch.setattr(timezone, "localdate", lambda *a: first_day)
    for u in (alice.user, old_chair.user):
        u.__dict__.pop("_partyhub_current_offices", None)
    assert constituency_ids(alice.user) == {clp_a.pk}
    assert constituency_ids(old_chair.user) == frozenset()
    assert today < first_day


@pytest.mark.django_db
def test_a_tie_is_not_declared(agm, clp_a, officer_a):
    election = _election(agm, officer_a, method=Election.Method.AT_MEETING)
    a = services.nomination_add(
        election=election, person=member(clp_a), actor=officer_a
    )
    b = services.nomination_add(
        election=election, person=member(clp_a), actor=officer_a
    )
    services.counts_record(
        election=election, counts={a.pk: 5, b.pk: 5}, actor=officer_a
    )
    with pytest.raises(services.GovernanceError, match="tie"):
        services.election_declare(election=election, actor=officer_a)


def _links(model, target_models) -> list[str]:
    return [
        f.name
        for f in [*model._meta.concrete_fields, *model._meta.many_to_many]
        if f.is_relation and f.related_model in target_models
    ]


def test_no_table_joins_a_voter_to_a_vote():
    """The vote tables: BallotCast (who voted) and BallotTally (how many votes a
    candidate has). Neither points at the other, the tally names no person, and
    neither holds a time, so no join or ordering ties a voter to a vote."""
    person = apps.get_model("members", "Person")
    user = apps.get_model("auth", "User")
    assert _links(BallotTally, {person, user, BallotCast}) == []
    assert _links(BallotCast, {BallotTally}) == []
    for model in (BallotCast, BallotTally):
        assert not [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.DateField | models.DateTimeField)
        ], model
    # Nothing else in the project refers to a tally or a cast with a person.
    for model in apps.get_models():
        if model in (BallotCast, BallotTally):
            continue
        refs = _links(model, {BallotCast, BallotTally})
        assert refs == [], (model, refs)
    # A cast is the voter alone; the tally is a number per candidate.
    assert {f.name for f in BallotCast._meta.concrete_fields} == {
        "id",
        "election",
        "person",
    }
    assert {f.name for f in BallotTally._meta.concrete_fields} == {
        "id",
        "election",
        "nomination",
        "votes",
    }


@pytest.mark.django_db
def test_voting_is_not_in_the_audit_log(agm, clp_a, officer_a):
    from partyhub.audit.models import AuditEntry

    election = _election(agm, officer_a)
    n = services.nomination_add(
        election=election, person=member(clp_a), actor=officer_a
    )
    services.ballot_open(election=election, actor=officer_a)
    voter = member(clp_a)
    before = AuditEntry.objects.count()
    services.ballot_vote(election=election, person=voter, nomination_id=n.pk)
    assert AuditEntry.objects.count() == before


@pytest.mark.django_db
def test_candidate_selection_uses_the_ballot_and_feeds_the_pipeline(
    agm, clp_a, officer_a
):
    from members.models import Candidate

    ward = factories.WardFactory(constituency=clp_a)
    on_panel, not_on_panel = member(clp_a), member(clp_a)
    candidacy = Candidate.objects.create(
        person=on_panel,
        office_sought="councillor",
        constituency=clp_a,
        ward=ward,
        stage=Candidate.Stage.PANEL,
    )
    Candidate.objects.create(
        person=not_on_panel,
        office_sought="councillor",
        constituency=clp_a,
        ward=ward,
        stage=Candidate.Stage.TRAINING,
    )
    with pytest.raises(Exception):  # noqa: B017 - neither office nor selection
        _election(agm, officer_a, role="")
    selection = _election(
        agm, officer_a, role="", office_sought="councillor", ward=ward
    )
    assert "Selection of Ward councillor candidate" in str(selection)
    with pytest.raises(services.GovernanceError, match="not on the panel"):
        services.nomination_add(
            election=selection, person=not_on_panel, actor=officer_a
        )
    n = services.nomination_add(election=selection, person=on_panel, actor=officer_a)
    services.ballot_open(election=selection, actor=officer_a)
    services.ballot_vote(election=selection, person=member(clp_a), nomination_id=n.pk)
    services.ballot_close(election=selection, actor=officer_a)
    services.election_declare(election=selection, actor=officer_a)
    candidacy.refresh_from_db()
    assert candidacy.stage == Candidate.Stage.SELECTED
    assert not Office.objects.filter(person=on_panel).exists()
