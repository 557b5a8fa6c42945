"""The day before a session, everyone signed up gets one reminder; cancelling the
sign-up (or leaving the team) cancels it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Session
from campaigns.services import (
    REMINDER_SESSION_DAY_BEFORE,
    session_signup,
    session_signup_cancel,
    team_invite,
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


def _session_form(session, **fields):
    local = session.starts.astimezone(timezone.get_current_timezone())
    local_end = session.ends.astimezone(timezone.get_current_timezone())
    data = {
        "team": str(session.team_id),
        "starts_0": local.strftime("%Y-%m-%d"),
        "starts_1": local.strftime("%H:%M:%S"),
        "ends_0": local_end.strftime("%Y-%m-%d"),
        "ends_1": local_end.strftime("%H:%M:%S"),
        "meeting_point": session.meeting_point,
        "status": session.status,
        **fields,
    }
    for prefix in ("signups", "output"):
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data


def test_officer_cancelling_the_session_stops_the_reminder(
    client, officer_a, team, session, member_a, mailoutbox
):
    person = member_a.person
    team_join(team=team, person=person, actor=member_a)
    session_signup(session=session, person=person, actor=member_a)
    client.force_login(officer_a)
    url = reverse("admin:campaigns_session_change", args=[session.pk])
    response = client.post(url, _session_form(session, status="cancelled"))
    assert response.status_code == 302, response.text

    _tick(now=session.starts - datetime.timedelta(hours=12))
    assert mailoutbox == []
    assert Reminder.objects.get().status == Reminder.Status.CANCELLED


def test_officer_moving_the_session_moves_the_reminder(
    client, officer_a, team, session, member_a, mailoutbox
):
    person = member_a.person
    team_join(team=team, person=person, actor=member_a)
    session_signup(session=session, person=person, actor=member_a)
    client.force_login(officer_a)
    moved = session.starts + datetime.timedelta(days=2)
    local = moved.astimezone(timezone.get_current_timezone())
    url = reverse("admin:campaigns_session_change", args=[session.pk])
    form = _session_form(
        session,
        starts_0=local.strftime("%Y-%m-%d"),
        starts_1=local.strftime("%H:%M:%S"),
        ends_0=(local + datetime.timedelta(hours=1)).strftime("%Y-%m-%d"),
        ends_1=(local + datetime.timedelta(hours=1)).strftime("%H:%M:%S"),
    )
    assert client.post(url, form).status_code == 302
    # Saving again without a change keeps the one reminder.
    assert client.post(url, form).status_code == 302

    _tick(now=session.starts - datetime.timedelta(hours=12))
    assert mailoutbox == []
    _tick(now=moved - datetime.timedelta(hours=12))
    _tick(now=moved - datetime.timedelta(hours=12))
    assert len(mailoutbox) == 1
    assert Reminder.objects.filter(status=Reminder.Status.PENDING).count() == 0


@pytest.mark.parametrize("deleted", ["session", "team"])
def test_deleting_a_signed_up_session_or_its_team_sends_nothing_and_breaks_nothing(
    client, officer_a, team, session, member_a, mailoutbox, deleted
):
    """A reminder about a deleted sign-up could not be written and would stop the
    sending of everyone else's mail: it is cancelled with the sign-up."""
    person = member_a.person
    team_join(team=team, person=person, actor=member_a)
    session_signup(session=session, person=person, actor=member_a)
    starts = session.starts
    # Only a team of CLP A alone is CLP A's to delete (a shared one is refused).
    team.constituencies.set([person.constituency])
    client.force_login(officer_a)
    if deleted == "session":
        url = reverse("admin:campaigns_session_delete", args=[session.pk])
        assert client.post(url, {"post": "yes"}).status_code == 302
    else:
        response = client.post(
            reverse("admin:campaigns_team_changelist"),
            {"action": "delete_selected", "_selected_action": [team.pk], "post": "yes"},
        )
        assert response.status_code == 302
    assert not Session.objects.exists()

    _tick(now=starts - datetime.timedelta(hours=12))
    assert mailoutbox == []
    assert not Reminder.objects.filter(status=Reminder.Status.PENDING).exists()


def test_leaving_before_the_invitation_goes_sends_nothing(team, member_a, mailoutbox):
    person = member_a.person
    team_invite(team=team, person=person, actor=None)
    team_leave(team=team, person=person, actor=member_a)
    _tick()
    assert mailoutbox == []
