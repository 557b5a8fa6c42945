"""Calling a meeting: notice, deadlines from the meeting date, the agenda, motions
and amendments, votes, minutes and their approval at the next meeting."""

import datetime

import pytest
from django.utils import timezone

from events.models import Event
from governance import selectors, services
from governance.models import AgendaItem, Minutes, Motion
from partyhub.comms.models import Reminder
from tests.governance.conftest import call, member


@pytest.mark.django_db
def test_notice_period_is_the_clps(gc, officer_a):
    with pytest.raises(services.GovernanceError, match="7 days' notice"):
        call(gc, officer_a, days=6)
    meeting = call(gc, officer_a, days=8)
    assert meeting.event.kind == Event.Kind.ALL_MEMBER_MEETING
    assert meeting.event.status == Event.Status.PUBLISHED
    assert list(meeting.event.constituencies.all()) == [gc.constituency]


@pytest.mark.django_db
def test_notice_goes_to_everyone_entitled_once(gc, clp_a, clp_b, officer_a):
    voters = [member(clp_a, weeks=20) for _ in range(3)]
    newcomer = member(clp_a, weeks=1)
    no_email = member(clp_a, email="")
    other = member(clp_b)
    meeting = call(gc, officer_a)
    notified = set(
        Reminder.objects.filter(kind=services.REMINDER_NOTICE).values_list(
            "person_id", flat=True
        )
    )
    assert notified == {p.pk for p in voters} | {newcomer.pk}
    assert other.pk not in notified
    assert list(services.notice_by_post(meeting)) == [no_email]
    # Sending again mails nobody twice.
    services.notices_send(meeting=meeting)
    assert Reminder.objects.filter(kind=services.REMINDER_NOTICE).count() == 4


@pytest.mark.django_db
def test_deadlines_follow_the_meeting_date(gc, officer_a):
    meeting = call(gc, officer_a, days=20)
    rules = selectors.rules_for(gc.constituency)
    assert meeting.motion_deadline == meeting.starts - datetime.timedelta(
        days=rules.motion_deadline_days
    )
    assert meeting.amendment_deadline == meeting.starts - datetime.timedelta(
        days=rules.amendment_deadline_days
    )
    event = meeting.event
    event.starts += datetime.timedelta(days=7)
    event.ends += datetime.timedelta(days=7)
    event.save()
    meeting.refresh_from_db()
    assert meeting.motion_deadline == event.starts - datetime.timedelta(
        days=rules.motion_deadline_days
    )


@pytest.mark.django_db
def test_motion_after_its_deadline_is_refused(gc, clp_a, officer_a):
    a, b = member(clp_a), member(clp_a)
    meeting = call(gc, officer_a, days=20)
    late = meeting.motion_deadline + datetime.timedelta(minutes=1)
    with pytest.raises(services.GovernanceError, match="deadline for motions"):
        services.motion_submit(
            meeting=meeting, mover=a, seconder=b, title="T", text="X", now=late
        )
    motion = services.motion_submit(
        meeting=meeting,
        mover=a,
        seconder=b,
        title="T",
        text="X",
        now=meeting.motion_deadline,
    )
    # Amendments close later.
    services.motion_submit(
        meeting=meeting,
        mover=b,
        seconder=a,
        title="A",
        text="Y",
        amends=motion,
        now=late,
    )
    with pytest.raises(services.GovernanceError, match="deadline for amendments"):
        services.motion_submit(
            meeting=meeting,
            mover=b,
            seconder=a,
            title="A2",
            text="Z",
            amends=motion,
            now=meeting.amendment_deadline + datetime.timedelta(seconds=1),
        )


@pytest.mark.django_db
def test_mover_and_seconder_must_be_entitled_to_vote(gc, clp_a, clp_b, officer_a):
    a = member(clp_a)
    newcomer = member(clp_a, weeks=1)
    outsider = member(clp_b)
    meeting = call(gc, officer_a)
    for mover, seconder in ((a, newcomer), (newcomer, a), (a, outsider), (a, a)):
        with pytest.raises(services.GovernanceError):
            services.motion_submit(
                meeting=meeting, mover=mover, seconder=seconder, title="T", text="X"
            )
    assert not Motion.objects.exists()


def _quorate(meeting, people, actor):
    for p in people:
        services.attendance_mark(meeting=meeting, person=p, present=True, actor=actor)


@pytest.mark.django_db
def test_the_journey_amendment_falls_motion_carries_minutes_approved(
    gc, clp_a, officer_a
):
    people = [member(clp_a) for _ in range(4)]
    a, b = people[0], people[1]
    meeting = call(gc, officer_a)
    motion = services.motion_submit(
        meeting=meeting,
        mover=a,
        seconder=b,
        title="Save the library",
        text="This GC resolves to campaign to keep the library open.",
    )
    amendment = services.motion_submit(
        meeting=meeting,
        mover=b,
        seconder=a,
        title="Weekends too",
        text="Add: and open at weekends.",
        amends=motion,
    )
    with pytest.raises(services.GovernanceError, match="Accept the motion before"):
        services.motion_accept(motion=amendment, actor=officer_a)
    services.motion_accept(motion=motion, actor=officer_a)
    services.motion_accept(motion=amendment, actor=officer_a)
    titles = list(
        meeting.items.order_by("position", "pk").values_list("title", flat=True)
    )
    assert titles == [
        "Apologies for absence",
        "Matters arising",
        "Amendment to “Save the library”: Weekends too",
        "Motion: Save the library",
        "Any other business",
    ]
    item_amendment = amendment.agenda_items.get()
    item_motion = motion.agenda_items.get()
    # No vote until the meeting is quorate (3).
    _quorate(meeting, people[:2], officer_a)
    with pytest.raises(services.GovernanceError, match="not quorate"):
        services.item_decide(
            item=item_motion, votes_for=2, votes_against=0, actor=officer_a
        )
    _quorate(meeting, people[2:], officer_a)
    services.item_decide(
        item=item_amendment,
        votes_for=1,
        votes_against=3,
        abstentions=0,
        actor=officer_a,
    )
    services.item_decide(
        item=item_motion, nem_con=True, decision="Agreed.", actor=officer_a
    )
    amendment.refresh_from_db()
    motion.refresh_from_db()
    assert amendment.status == Motion.Status.FELL
    assert motion.status == Motion.Status.CARRIED
    services.motion_send_on(motion=motion, sent_to="Annual conference", actor=officer_a)
    motion.refresh_from_db()
    assert motion.status == Motion.Status.SENT_ON

    services.action_add(
        meeting=meeting,
        item=item_motion,
        text="Write to the council",
        owner=a,
        due=timezone.localdate() + datetime.timedelta(days=30),
        actor=officer_a,
    )
    minutes = services.minutes_draft(meeting=meeting, actor=officer_a)
    assert "Save the library" in minutes.text
    assert "For 1, against 3, abstentions 0: lost." in minutes.text
    assert "Carried nem. con." in minutes.text
    assert "Write to the council" in minutes.text
    assert "**Present** (4; 4 entitled to vote; quorum 3)" in minutes.text

    # The next meeting is called after the draft is circulated: its agenda
    # carries the approval of these minutes, and approving them approves them.
    services.minutes_circulate(minutes=minutes, actor=officer_a)
    assert set(
        Reminder.objects.filter(kind=services.REMINDER_MINUTES).values_list(
            "person_id", flat=True
        )
    ) == {p.pk for p in people}
    following = call(gc, officer_a, days=40, title="Next GC")
    approval = following.items.get(kind=AgendaItem.Kind.MINUTES)
    assert approval.minutes_of == meeting
    _quorate(following, people[:3], officer_a)
    services.item_decide(item=approval, nem_con=True, actor=officer_a)
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.APPROVED
    assert minutes.approved_at == following


@pytest.mark.django_db
def test_circulating_adds_approval_to_an_already_called_meeting(gc, clp_a, officer_a):
    meeting = call(gc, officer_a, days=10)
    following = call(gc, officer_a, days=40)
    minutes = services.minutes_draft(meeting=meeting, actor=officer_a)
    assert not following.items.filter(kind=AgendaItem.Kind.MINUTES).exists()
    services.minutes_circulate(minutes=minutes, actor=officer_a)
    assert following.items.filter(
        kind=AgendaItem.Kind.MINUTES, minutes_of=meeting
    ).exists()
    with pytest.raises(services.GovernanceError):
        services.minutes_draft(meeting=meeting, actor=officer_a)


@pytest.mark.django_db
def test_rule_out_needs_a_reason_and_composite(gc, clp_a, officer_a):
    a, b = member(clp_a), member(clp_a)
    meeting = call(gc, officer_a)
    m1 = services.motion_submit(
        meeting=meeting, mover=a, seconder=b, title="One", text="1"
    )
    m2 = services.motion_submit(
        meeting=meeting, mover=b, seconder=a, title="Two", text="2"
    )
    m3 = services.motion_submit(
        meeting=meeting, mover=a, seconder=b, title="Three", text="3"
    )
    with pytest.raises(services.GovernanceError):
        services.motion_rule_out(motion=m3, reason=" ", actor=officer_a)
    services.motion_rule_out(
        motion=m3, reason="Not a matter for the GC", actor=officer_a
    )
    composite = services.motion_composite(
        motions=[m1, m2], title="One and two", text="1 and 2", actor=officer_a
    )
    m1.refresh_from_db()
    assert m1.status == Motion.Status.COMPOSITED and m1.composited_into == composite
    assert composite.agenda_items.count() == 1
    assert (composite.mover, composite.seconder) == (a, b)


@pytest.mark.django_db
def test_actions_are_chased_once_a_week(gc, clp_a, officer_a):
    owner = member(clp_a)
    meeting = call(gc, officer_a)
    action = services.action_add(
        meeting=meeting,
        text="Book the hall",
        owner=owner,
        due=timezone.localdate(),
        actor=officer_a,
    )
    assert services.actions_chase() == 1
    services.actions_chase()
    assert Reminder.objects.filter(kind=services.REMINDER_ACTION).count() == 1
    services.action_done(action=action, actor=officer_a)
    assert (
        services.actions_chase(today=timezone.localdate() + datetime.timedelta(days=7))
        == 0
    )


def test_rules_keep_deadlines_inside_the_notice_period():
    from django.core.exceptions import ValidationError

    from governance.models import Rules

    rules = Rules(notice_days=7, motion_deadline_days=10, amendment_deadline_days=12)
    with pytest.raises(ValidationError) as exc:
        rules.clean()
    assert set(exc.value.message_dict) == {
        "motion_deadline_days",
        "amendment_deadline_days",
    }
    Rules().clean()  # the defaults hold together
