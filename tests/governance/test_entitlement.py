"""Who may attend, speak and vote, and quorum: an all-member and a delegate GC."""

import datetime

import pytest
from django.utils import timezone

from governance import selectors, services
from governance.models import Affiliate, Attendance, Body, Rules
from members.models import Membership
from tests import factories
from tests.governance.conftest import call, member


@pytest.mark.django_db
def test_all_member_gc_votes_after_the_clps_weeks_in_good_standing(gc, clp_a, clp_b):
    old = member(clp_a, weeks=9)
    new = member(clp_a, weeks=2)
    lapsed = member(clp_a, weeks=100)
    lapsed.memberships.update(status=Membership.Status.LAPSED)
    other_clp = member(clp_b, weeks=100)
    e = selectors.entitlement(gc)
    assert old.pk in e.vote
    assert new.pk in e.attend and new.pk in e.speak and new.pk not in e.vote
    assert lapsed.pk not in e.attend
    assert other_clp.pk not in e.attend
    # The CLP changes its rule: the new member can vote too.
    Rules.objects.filter(constituency=clp_a).update(good_standing_weeks=1)
    assert new.pk in selectors.entitlement(gc).vote


@pytest.mark.django_db
def test_rejoined_member_counts_from_rejoining(gc, clp_a):
    back = member(clp_a, weeks=300)
    back.memberships.update(
        rejoined_on=timezone.localdate() - datetime.timedelta(weeks=1)
    )
    assert back.pk not in selectors.entitlement(gc).vote


@pytest.mark.django_db
def test_all_member_gc_quorum_counts_only_voters_present(gc, clp_a, officer_a):
    gc.quorum_number = 2
    gc.quorum_percent = 50
    gc.save()
    voters = [member(clp_a, weeks=20) for _ in range(5)]
    newcomer = member(clp_a, weeks=1)
    meeting = call(gc, officer_a)
    # 5 voters + the officer (no membership): 50 % of 5 is 3 (rounded up).
    q = selectors.quorum(meeting)
    assert (q.needed, q.present_voting, q.reached) == (3, 0, False)
    services.attendance_mark(
        meeting=meeting, person=newcomer, present=True, actor=officer_a
    )
    for p in voters[:2]:
        services.attendance_mark(
            meeting=meeting, person=p, present=True, actor=officer_a
        )
    q = selectors.quorum(meeting)
    assert (q.present, q.present_voting, q.reached) == (3, 2, False)
    services.attendance_mark(
        meeting=meeting, person=voters[2], present=True, actor=officer_a
    )
    assert selectors.quorum(meeting).reached
    services.attendance_mark(
        meeting=meeting, person=voters[2], present=False, actor=officer_a
    )
    assert not selectors.quorum(meeting).reached


@pytest.mark.django_db
def test_someone_not_entitled_cannot_be_ticked(gc, clp_b, officer_a):
    meeting = call(gc, officer_a)
    stranger = member(clp_b)
    with pytest.raises(services.GovernanceError):
        services.attendance_mark(
            meeting=meeting, person=stranger, present=True, actor=officer_a
        )
    assert not Attendance.objects.exists()


@pytest.fixture
def delegate_gc(clp_a):
    return Body.objects.create(
        constituency=clp_a,
        kind=Body.Kind.GC_DELEGATE,
        name="Delegate GC",
        members_per_delegate=10,
        quorum_percent=50,
    )


@pytest.mark.django_db
def test_delegate_gc_entitlement_by_size(delegate_gc, clp_a, officer_a):
    north = factories.BranchFactory(constituency=clp_a, name="North")
    south = factories.BranchFactory(constituency=clp_a, name="South")
    north_members = [member(clp_a, branch=north) for _ in range(11)]  # 2 delegates
    south_members = [member(clp_a, branch=south) for _ in range(3)]  # 1 delegate
    union = Affiliate.objects.create(
        constituency=clp_a,
        name="Unison branch",
        kind="union_branch",
        affiliated_members=25,
    )  # 3 delegates
    places = {
        r["source"].name: r["entitled"] for r in selectors.delegate_places(delegate_gc)
    }
    assert places == {"North": 2, "South": 1, "Unison branch": 3}

    services.delegation_appoint(
        body=delegate_gc, person=north_members[0], branch=north, actor=officer_a
    )
    services.delegation_appoint(
        body=delegate_gc, person=north_members[1], branch=north, actor=officer_a
    )
    with pytest.raises(services.GovernanceError, match="may send 2"):
        services.delegation_appoint(
            body=delegate_gc, person=north_members[2], branch=north, actor=officer_a
        )
    # A delegate from a branch must be a member of that branch.
    with pytest.raises(services.GovernanceError, match="not a member"):
        services.delegation_appoint(
            body=delegate_gc, person=north_members[3], branch=south, actor=officer_a
        )
    services.delegation_appoint(
        body=delegate_gc, person=south_members[0], branch=south, actor=officer_a
    )
    union_delegate = member(clp_a)
    services.delegation_appoint(
        body=delegate_gc, person=union_delegate, affiliate=union, actor=officer_a
    )

    chair = factories.PersonFactory(constituency=clp_a)
    factories.MembershipFactory(person=chair)
    factories.OfficeFactory(person=chair, role="chair", constituency=clp_a)

    e = selectors.entitlement(delegate_gc)
    voters = {
        north_members[0].pk,
        north_members[1].pk,
        south_members[0].pk,
        union_delegate.pk,
        chair.pk,
    }
    assert e.vote == voters
    # Other members may come and listen, not speak or vote.
    assert north_members[5].pk in e.attend
    assert north_members[5].pk not in e.speak

    meeting = call(delegate_gc, officer_a)
    q = selectors.quorum(meeting)
    assert q.needed == 3  # half of five voters, rounded up
    for p in (north_members[5], south_members[1], north_members[0], chair):
        services.attendance_mark(
            meeting=meeting, person=p, present=True, actor=officer_a
        )
    q = selectors.quorum(meeting)
    assert (q.present, q.present_voting, q.reached) == (4, 2, False)
    services.attendance_mark(
        meeting=meeting, person=union_delegate, present=True, actor=officer_a
    )
    assert selectors.quorum(meeting).reached


@pytest.mark.django_db
def test_ended_delegation_no_longer_votes(delegate_gc, clp_a, officer_a):
    branch = factories.BranchFactory(constituency=clp_a)
    p = member(clp_a, branch=branch)
    d = services.delegation_appoint(
        body=delegate_gc, person=p, branch=branch, actor=officer_a
    )
    assert p.pk in selectors.entitlement(delegate_gc).vote
    d.ends = timezone.localdate()
    d.save()
    assert p.pk not in selectors.entitlement(delegate_gc).vote


@pytest.mark.django_db
def test_executive_is_the_officers(clp_a, officer_a):
    ec = Body.objects.create(constituency=clp_a, kind=Body.Kind.EXECUTIVE, name="EC")
    treasurer = member(clp_a)
    factories.OfficeFactory(person=treasurer, role="treasurer", constituency=clp_a)
    plain = member(clp_a)
    e = selectors.entitlement(ec)
    assert treasurer.pk in e.vote
    assert plain.pk not in e.attend


@pytest.mark.django_db
def test_branch_meeting_is_the_branchs_members(clp_a):
    north = factories.BranchFactory(constituency=clp_a)
    south = factories.BranchFactory(constituency=clp_a)
    body = Body.objects.create(
        constituency=clp_a, kind=Body.Kind.BRANCH, name="North", branch=north
    )
    n, s = member(clp_a, branch=north), member(clp_a, branch=south)
    e = selectors.entitlement(body)
    assert n.pk in e.vote and s.pk not in e.attend
