"""The day before a session, everyone signed up gets one reminder; cancelling the
sign-up (or leaving the team) cancels it."""

import datetime

import pytest
from django.utils import timezone

from campaigns.models import Session
from campaigns.services import (
    REMINDER_SESSION_DAY_BEFORE,
    session_signup,
    session_signup_cancel,
    team_join,
    team_leave,
)
from partyhub.comms import sending
from partyhub.comms.models import Delivery, Reminder


def _tick(now=None):
    sending.reminders_queue_due(now=now)
    while ids := sending.deliveries_claim():
        sending.deliveries_send(ids=ids)


@pytest.fixture
def session(team):
    starts = timezone.now() + datetime.timedelta(days=3)
    return Session.objects.create(
        team=team,
        starts=starts,
        ends=starts + datetime.timedelta(hours=1),
        meeting_point="The clock tower",
    )


def test_day_before_reminder_goes_out_exactly_once(team, session, member_a, mailoutbox):
    person = member_a.person
    team_join(team=team, person=person, actor=member_a)
    session_signup(session=session, person=person, actor=member_a)
    session_signup(session=session, person=person, actor=member_a)
    reminder = Reminder.objects.get(kind=REMINDER_SESSION_DAY_BEFORE)
    assert reminder.due_at == session.starts - datetime.timedelta(days=1)

    _tick()
    assert mailoutbox == []
    later = session.starts - datetime.timedelta(hours=12)
    _tick(now=later)
    _tick(now=later)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [person.email]
    assert team.name in mailoutbox[0].subject
    assert "The clock tower" in mailoutbox[0].body
    assert Delivery.objects.count() == 1


def test_cancelling_the_signup_cancels_the_reminder(team, session, member_a):
    person = member_a.person
    team_join(team=team, person=person, actor=member_a)
    session_signup(session=session, person=person, actor=member_a)
    session_signup_cancel(session=session, person=person, actor=member_a)
    assert Reminder.objects.get().status == Reminder.Status.CANCELLED


def test_leaving_the_team_cancels_the_reminder(team, session, member_a, mailoutbox):
    person = member_a.person
    team_join(team=team, person=person, actor=member_a)
    session_signup(session=session, person=person, actor=member_a)
    team_leave(team=team, person=person, actor=member_a)
    assert Reminder.objects.get().status == Reminder.Status.CANCELLED
    _tick(now=session.starts - datetime.timedelta(hours=12))
    assert mailoutbox == []
