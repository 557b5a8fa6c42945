"""A supporter or member put on a team gets a signed link to sign up for its
sessions without logging in: only for its own person, only until it expires."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Session, SessionSignup
from campaigns.services import REMINDER_TEAM_INVITE, team_invite, team_join
from partyhub.comms import sending
from partyhub.comms.models import Reminder
from partyhub.links import make_token
from tests import factories


def _tick():
    sending.reminders_queue_due()
    while ids := sending.deliveries_claim():
        sending.deliveries_send(ids=ids)


@pytest.fixture
def session(team):
    starts = timezone.now() + datetime.timedelta(days=3)
    return Session.objects.create(
        team=team, starts=starts, ends=starts + datetime.timedelta(hours=1)
    )


@pytest.fixture
def supporter(clp_a):
    return factories.PersonFactory(
        constituency=clp_a, first_name="Sam", email="sam@example.org"
    )


def _link_path(mail) -> str:
    return re.search(r"/campaigns/sessions/\S+/", mail.body).group(0)


def test_invited_supporter_signs_up_from_the_emailed_link(
    client, team, session, supporter, officer_a, mailoutbox
):
    team_invite(team=team, person=supporter, actor=officer_a)
    team_invite(team=team, person=supporter, actor=officer_a)
    _tick()
    _tick()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["sam@example.org"]
    assert Reminder.objects.filter(kind=REMINDER_TEAM_INVITE).count() == 1

    path = _link_path(mailoutbox[0])
    page = client.get(path)
    assert page.status_code == 200
    assert "Hello Sam" in page.text and "I'll be there" in page.text
    response = client.post(path, {"session": session.pk}, follow=True)
    assert "see you there" in response.text
    assert list(SessionSignup.objects.values_list("person", "session")) == [
        (supporter.pk, session.pk)
    ]


def test_link_works_only_for_its_own_person(client, team, session, supporter, clp_a):
    team_join(team=team, person=supporter, actor=None)
    other = factories.PersonFactory(constituency=clp_a)
    team_join(team=team, person=other, actor=None)
    token = make_token("campaigns-team-signup", supporter.pk, t=team.pk)

    # Editing the person in the token breaks the signature.
    forged = make_token("campaigns-team-signup", other.pk, t=team.pk)
    tampered = token[:-4] + forged[-4:]
    assert (
        client.post(
            reverse("campaigns:link_sessions", args=[tampered]), {"session": session.pk}
        ).status_code
        == 400
    )
    # A signed link made for something else (an unsubscribe link) does not work.
    unsubscribe = make_token("unsubscribe", other.pk, t=team.pk)
    assert (
        client.post(
            reverse("campaigns:link_sessions", args=[unsubscribe]),
            {"session": session.pk},
        ).status_code
        == 400
    )
    assert not SessionSignup.objects.exists()

    # The genuine link signs up its own person, whatever else is posted.
    client.post(
        reverse("campaigns:link_sessions", args=[token]),
        {"session": session.pk, "person": other.pk},
    )
    assert list(SessionSignup.objects.values_list("person", flat=True)) == [
        supporter.pk
    ]


def test_link_of_someone_who_left_the_team_does_not_work(
    client, team, session, supporter
):
    token = make_token("campaigns-team-signup", supporter.pk, t=team.pk)
    response = client.get(reverse("campaigns:link_sessions", args=[token]))
    assert response.status_code == 400
    assert not SessionSignup.objects.exists()


def test_link_cannot_sign_up_for_another_teams_session(
    client, team, session, supporter, clp_a
):
    from campaigns.models import Team

    other_team = Team.objects.create(name="Sunday brunch team")
    other_team.constituencies.set([clp_a])
    starts = session.starts + datetime.timedelta(days=1)
    elsewhere = Session.objects.create(
        team=other_team, starts=starts, ends=starts + datetime.timedelta(hours=1)
    )
    team_join(team=team, person=supporter, actor=None)
    token = make_token("campaigns-team-signup", supporter.pk, t=team.pk)
    url = reverse("campaigns:link_sessions", args=[token])
    assert client.post(url, {"session": elsewhere.pk}).status_code == 404
    assert not SessionSignup.objects.exists()


def test_expired_link_changes_nothing(client, team, session, supporter, settings):
    team_join(team=team, person=supporter, actor=None)
    token = make_token("campaigns-team-signup", supporter.pk, t=team.pk)
    settings.CAMPAIGNS_SIGNUP_LINK_MAX_AGE_SECONDS = -1
    url = reverse("campaigns:link_sessions", args=[token])
    for method in (client.get, client.post):
        response = method(url, {"session": session.pk})
        assert response.status_code == 410
        assert "This link has expired" in response.text
    assert not SessionSignup.objects.exists()


def test_officer_action_sends_links_to_own_clp_people_only(
    client, officer_a, team, clp_a, clp_b, mailoutbox
):
    ours = factories.PersonFactory(constituency=clp_a, email="ours@example.org")
    theirs = factories.PersonFactory(constituency=clp_b, email="theirs@example.org")
    team.members.add(ours, theirs)
    client.force_login(officer_a)
    response = client.post(
        reverse("admin:campaigns_team_changelist"),
        {"action": "send_signup_links", "_selected_action": [team.pk]},
    )
    assert response.status_code == 302
    _tick()
    assert [m.to for m in mailoutbox] == [["ours@example.org"]]


def test_day_before_reminder_carries_the_link_to_cancel(
    client, team, session, supporter, mailoutbox
):
    from campaigns.services import session_signup

    team_join(team=team, person=supporter, actor=None)
    session_signup(session=session, person=supporter, actor=None)
    sending.reminders_queue_due(now=session.starts - datetime.timedelta(hours=12))
    while ids := sending.deliveries_claim():
        sending.deliveries_send(ids=ids)
    assert len(mailoutbox) == 1
    path = _link_path(mailoutbox[0])
    client.post(path, {"session": session.pk, "cancel": "1"})
    assert not SessionSignup.objects.exists()
