"""New members: a welcome, a mentor within capacity, and reminders at 7 and 14 days."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from members.desk import services
from members.models import ContactLog, Mentorship
from members.signals import members_joined
from partyhub.comms.models import Reminder
from tests import factories
from tests.helpers import run_at_once, send_all_mail
from tests.members.desk.conftest import make_mentor, new_member

DAY = datetime.timedelta(days=1)


def _mentorship(person) -> Mentorship:
    return Mentorship.objects.get(mentee=person)


def test_new_joiner_gets_welcome_and_branch_mentor(clp_a, secretary_a):
    branch = factories.BranchFactory(constituency=clp_a)
    make_mentor(clp_a, capacity=5)  # another branch's mentor, less suitable
    mentor = make_mentor(clp_a, branch=branch, first_name="Maya", last_name="Mentor")
    joiner = new_member(clp_a, branch=branch, first_name="Nia", last_name="Newby")

    members_joined.send(sender=None, person_ids=[joiner.pk])

    mentorship = _mentorship(joiner)
    assert mentorship.mentor == mentor
    assert mentorship.status == Mentorship.Status.ACTIVE
    sent = send_all_mail()
    by_to = {m.to[0]: m for m in sent}
    welcome = by_to[joiner.email]
    assert "Welcome to Hodge Hill" in welcome.subject
    assert "Maya Mentor" in welcome.body
    ask = by_to[mentor.person.email]
    assert "Nia Newby" in ask.subject
    assert f"/me/mentees/{mentorship.pk}/" in ask.body
    assert len(sent) == 2


def test_signal_twice_welcomes_once(clp_a):
    mentor = make_mentor(clp_a)
    joiner = new_member(clp_a)
    members_joined.send(sender=None, person_ids=[joiner.pk])
    members_joined.send(sender=None, person_ids=[joiner.pk])
    assert Mentorship.objects.filter(mentee=joiner).count() == 1
    sent = send_all_mail()
    assert [m.to[0] for m in sent].count(joiner.email) == 1
    assert [m.to[0] for m in sent].count(mentor.person.email) == 1
    assert send_all_mail() == []


def test_members_who_joined_long_ago_are_not_welcomed(clp_a):
    make_mentor(clp_a)
    old = new_member(clp_a, days_ago=400)
    members_joined.send(sender=None, person_ids=[old.pk])
    assert not Mentorship.objects.filter(mentee=old).exists()
    assert send_all_mail() == []


def test_falls_back_to_constituency_and_never_exceeds_capacity(clp_a, clp_b):
    branch = factories.BranchFactory(constituency=clp_a)
    make_mentor(clp_b, capacity=10)  # another CLP's mentor is never used
    mentor = make_mentor(clp_a, capacity=2)  # no branch: the constituency's
    joiners = [new_member(clp_a, branch=branch) for _ in range(3)]

    members_joined.send(sender=None, person_ids=[p.pk for p in joiners])

    mentorships = Mentorship.objects.filter(mentee__in=joiners)
    assert mentorships.filter(mentor=mentor).count() == 2
    waiting = mentorships.get(mentor__isnull=True)
    assert waiting.status == Mentorship.Status.UNASSIGNED


def test_mentor_of_own_branch_preferred_and_inactive_skipped(clp_a):
    branch = factories.BranchFactory(constituency=clp_a)
    inactive = make_mentor(clp_a, branch=branch)
    inactive.active = False
    inactive.save()
    fallback = make_mentor(clp_a)
    joiner = new_member(clp_a, branch=branch)
    members_joined.send(sender=None, person_ids=[joiner.pk])
    assert _mentorship(joiner).mentor == fallback


@pytest.fixture
def assigned(clp_a, secretary_a):
    """A new member assigned a mentor at a fixed time; the asks already sent."""
    mentor = make_mentor(clp_a, first_name="Maya")
    joiner = new_member(clp_a, first_name="Nia", last_name="Newby")
    start = timezone.now()
    services.new_joiners_welcome(person_ids=[joiner.pk], now=start)
    send_all_mail(now=start)
    return start, joiner, mentor, secretary_a.person


def test_reminders_fire_at_7_and_14_days_exactly_once(assigned):
    start, joiner, mentor, secretary = assigned

    assert send_all_mail(now=start + 7 * DAY - datetime.timedelta(minutes=1)) == []
    at_7 = send_all_mail(now=start + 7 * DAY)
    assert [m.to[0] for m in at_7] == [mentor.person.email]
    assert "Have you been in touch with Nia Newby" in at_7[0].subject
    assert send_all_mail(now=start + 7 * DAY) == []  # run the tick again: nothing
    assert send_all_mail(now=start + 13 * DAY) == []

    at_14 = send_all_mail(now=start + 14 * DAY)
    assert [m.to[0] for m in at_14] == [secretary.email]
    assert "No contact yet with new member Nia Newby" in at_14[0].subject
    assert send_all_mail(now=start + 14 * DAY) == []
    assert send_all_mail(now=start + 30 * DAY) == []


def test_no_reminders_once_a_contact_is_logged(assigned, secretary_a):
    start, joiner, mentor, secretary = assigned
    services.contact_log_create(
        person=joiner,
        how=ContactLog.How.CALL,
        outcome=ContactLog.Outcome.SPOKE,
        by_person=mentor.person,
        actor=None,
        at=start + 3 * DAY,
    )
    mentorship = _mentorship(joiner)
    assert mentorship.first_contact_at == start + 3 * DAY
    assert send_all_mail(now=start + 7 * DAY) == []
    assert send_all_mail(now=start + 14 * DAY) == []
    assert not Reminder.objects.filter(
        kind__in=[services.MENTOR_NUDGE, services.SECRETARY_NUDGE],
        status=Reminder.Status.PENDING,
    ).exists()


def test_contact_after_7_days_stops_only_the_14_day_reminder(assigned):
    start, joiner, mentor, secretary = assigned
    assert len(send_all_mail(now=start + 7 * DAY)) == 1
    services.contact_log_create(
        person=joiner,
        how=ContactLog.How.EMAIL,
        outcome=ContactLog.Outcome.SPOKE,
        actor=None,
    )
    assert send_all_mail(now=start + 14 * DAY) == []


def test_officer_assigns_waiting_member_and_capacity_is_enforced(clp_a, secretary_a):
    joiner = new_member(clp_a)
    members_joined.send(sender=None, person_ids=[joiner.pk])  # nobody to mentor
    mentorship = _mentorship(joiner)
    assert mentorship.mentor is None
    mentor = make_mentor(clp_a, capacity=1)
    services.mentorship_assign(mentorship=mentorship, mentor=mentor, actor=secretary_a)
    mentorship.refresh_from_db()
    assert mentorship.mentor == mentor and mentorship.assigned_at is not None
    other = new_member(clp_a)
    members_joined.send(sender=None, person_ids=[other.pk])
    with pytest.raises(services.MentorFull):
        services.mentorship_assign(
            mentorship=_mentorship(other), mentor=mentor, actor=secretary_a
        )


def test_rejoiner_is_welcomed_back_and_mentored(clp_a):
    mentor = make_mentor(clp_a)
    person = factories.PersonFactory(constituency=clp_a)
    factories.MembershipFactory(
        person=person,
        joined=timezone.localdate() - 2000 * DAY,
        rejoined_on=timezone.localdate() - 3 * DAY,
    )
    members_joined.send(sender=None, person_ids=[person.pk])
    assert _mentorship(person).mentor == mentor
    welcome = [m for m in send_all_mail() if m.to == [person.email]]
    assert len(welcome) == 1
    assert welcome[0].subject == "Welcome back to Hodge Hill"
    assert "glad you have rejoined" in welcome[0].body


def test_rejoiner_with_an_old_mentorship_starts_afresh(clp_a):
    old_mentor = make_mentor(clp_a, capacity=1)
    person = factories.PersonFactory(constituency=clp_a)
    membership = factories.MembershipFactory(
        person=person, joined=timezone.localdate() - 2000 * DAY
    )
    old = Mentorship.objects.create(
        mentee=person,
        constituency=clp_a,
        mentor=old_mentor,
        status=Mentorship.Status.ACTIVE,
        started_at=timezone.now() - 1990 * DAY,
    )
    membership.rejoined_on = timezone.localdate() - DAY
    membership.save()
    members_joined.send(sender=None, person_ids=[person.pk])
    old.refresh_from_db()
    assert old.status == Mentorship.Status.ENDED
    fresh = Mentorship.objects.exclude(pk=old.pk).get(mentee=person)
    assert fresh.mentor == old_mentor  # capacity freed by ending the old one


def test_daily_sweep_welcomes_joiners_the_signal_missed_once(clp_a):
    mentor = make_mentor(clp_a)
    missed = new_member(clp_a, first_name="Sam", last_name="Missed")
    old = new_member(clp_a, days_ago=400)

    assert services.new_joiners_sweep() == 1
    assert services.new_joiners_sweep() == 0
    assert _mentorship(missed).mentor == mentor
    assert not Mentorship.objects.filter(mentee=old).exists()
    sent = send_all_mail()
    assert [m.to[0] for m in sent].count(missed.email) == 1
    assert send_all_mail() == []


def test_daily_sweep_finds_a_mentor_for_those_still_waiting(clp_a):
    waiting = new_member(clp_a)
    members_joined.send(sender=None, person_ids=[waiting.pk])
    assert _mentorship(waiting).status == Mentorship.Status.UNASSIGNED

    mentor = make_mentor(clp_a)
    services.new_joiners_sweep()

    assert _mentorship(waiting).mentor == mentor
    assert Mentorship.objects.filter(mentee=waiting).count() == 1


def _grow_mentoring(clp, n):
    for _ in range(n):
        mentor = make_mentor(clp, capacity=3)
        joiner = new_member(clp)
        mentorship = Mentorship.objects.create(
            mentee=joiner, membership=joiner.memberships.get(), constituency=clp
        )
        services.mentorship_assign(mentorship=mentorship, mentor=mentor, actor=None)
        services.contact_log_create(
            person=joiner,
            how="call",
            outcome="spoke",
            by_person=mentor.person,
            actor=None,
        )


def test_secretary_still_told_at_14_days_after_a_reassignment(clp_a, secretary_a):
    first = make_mentor(clp_a, first_name="First")
    second = make_mentor(clp_a, first_name="Second")
    joiner = new_member(clp_a, first_name="Nia", last_name="Newby")
    start = timezone.now()
    services.new_joiners_welcome(person_ids=[joiner.pk], now=start)
    mentorship = Mentorship.objects.get(mentee=joiner)
    send_all_mail(now=start)
    other = second if mentorship.mentor == first else first

    services.mentorship_assign(
        mentorship=mentorship, mentor=other, actor=None, now=start + 2 * DAY
    )

    send_all_mail(now=start + 9 * DAY)  # the new mentor's ask and nudge
    at_14 = send_all_mail(now=start + 14 * DAY)
    assert [m.to[0] for m in at_14] == [secretary_a.person.email]
    assert other.person.full_name in at_14[0].body
    assert send_all_mail(now=start + 30 * DAY) == []


def test_a_mentor_of_another_constituency_cannot_be_assigned(clp_a, clp_b):
    joiner = new_member(clp_a)
    mentorship = Mentorship.objects.create(
        mentee=joiner,
        membership=joiner.memberships.get(),
        constituency=clp_a,
    )
    theirs = make_mentor(clp_b)
    with pytest.raises(services.MentorFull):
        services.mentorship_assign(mentorship=mentorship, mentor=theirs, actor=None)
    mentorship.refresh_from_db()
    assert mentorship.mentor_id is None


def test_officer_of_two_clps_cannot_pick_the_other_clps_mentor(client, clp_a, clp_b):
    officer = factories.officer(clp_a, role="membership_secretary")
    factories.OfficeFactory(
        person=officer.person, constituency=clp_b, role="membership_secretary"
    )
    joiner = new_member(clp_a)
    mentorship = Mentorship.objects.create(
        mentee=joiner, membership=joiner.memberships.get(), constituency=clp_a
    )
    theirs = make_mentor(clp_b)
    client.force_login(officer)
    url = reverse("admin:members_mentorship_change", args=[mentorship.pk])
    response = client.post(url, {"mentor": theirs.pk})
    assert response.status_code == 200
    assert "another constituency" in response.text
    mentorship.refresh_from_db()
    assert mentorship.mentor_id is None


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:members_mentorship_changelist",
        "admin:members_mentor_changelist",
        "admin:members_contactlog_changelist",
    ],
)
def test_mentoring_lists_have_no_query_per_row(
    client, clp_a, secretary_a, url_name, django_assert_max_num_queries
):
    _grow_mentoring(clp_a, 1)
    client.force_login(secretary_a)
    url = reverse(url_name)
    assert client.get(url).status_code == 200
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    _grow_mentoring(clp_a, 6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


def test_secretary_told_at_14_days_about_a_new_member_nobody_could_mentor(
    clp_a, secretary_a
):
    joiner = new_member(clp_a, first_name="Nia", last_name="Newby")  # no mentors
    start = timezone.now()
    services.new_joiners_welcome(person_ids=[joiner.pk], now=start)
    assert Mentorship.objects.get(mentee=joiner).mentor_id is None
    assert [m.to[0] for m in send_all_mail(now=start)] == [joiner.email]  # the welcome

    assert send_all_mail(now=start + 13 * DAY) == []
    at_14 = send_all_mail(now=start + 14 * DAY)
    assert [m.to[0] for m in at_14] == [secretary_a.person.email]
    assert "none assigned" in at_14[0].body
    assert send_all_mail(now=start + 30 * DAY) == []


def test_a_mentor_found_later_does_not_mail_the_secretary_twice(clp_a, secretary_a):
    joiner = new_member(clp_a)
    start = timezone.now()
    services.new_joiners_welcome(person_ids=[joiner.pk], now=start)
    send_all_mail(now=start)
    mentor = make_mentor(clp_a)
    services.mentorship_assign(
        mentorship=Mentorship.objects.get(mentee=joiner),
        mentor=mentor,
        actor=None,
        now=start + 3 * DAY,
    )
    sent = [m.to[0] for m in send_all_mail(now=start + 30 * DAY)]
    assert sent.count(secretary_a.person.email) == 1
    assert sent.count(mentor.person.email) == 2  # the ask and the 7-day nudge


@pytest.mark.django_db(transaction=True)
def test_two_joiners_welcomed_at_once_never_push_a_mentor_over_capacity(clp_a):
    mentor = make_mentor(clp_a, capacity=1)
    joiners = [new_member(clp_a), new_member(clp_a)]
    raised = run_at_once(
        *(
            lambda p=person: services.new_joiners_welcome(person_ids=[p.pk])
            for person in joiners
        )
    )
    assert raised == []
    mentorships = Mentorship.objects.filter(mentee__in=joiners)
    assert mentorships.count() == 2  # both welcomed
    assert mentorships.filter(mentor=mentor).count() == 1  # the other waits
    assert mentorships.filter(mentor=None).count() == 1
