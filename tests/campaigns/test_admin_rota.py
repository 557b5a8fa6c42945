"""Saving a team's rota in the admin makes its coming sessions at once: members who
join the same day can sign up for this Saturday, without waiting for the nightly
run."""

import datetime
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from campaigns.models import Session, Team
from campaigns.services import session_signup
from partyhub.comms.models import Reminder
from tests import factories

LONDON = ZoneInfo("Europe/London")


def _team_form(clp, **fields):
    data = {
        "name": "Saturday team",
        "constituencies": [clp.pk],
        "area": "",
        "weekday": "5",
        "start_time": "10:00",
        "duration_minutes": "60",
        "every_weeks": "1",
        "meeting_point": "The clock tower",
        "timezone": "Europe/London",
        **fields,
    }
    for prefix in ("teamlead_set", "teammembership_set", "sessions"):
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data


def test_saving_a_weekly_rota_makes_the_coming_sessions_at_once(
    client, officer_a, clp_a
):
    client.force_login(officer_a)
    response = client.post(
        reverse("admin:campaigns_team_add"), _team_form(clp_a), follow=True
    )
    assert response.status_code == 200
    team = Team.objects.get(name="Saturday team")
    sessions = list(Session.objects.filter(team=team))
    assert "8 sessions added from the rota." in response.text
    assert len(sessions) == 8
    first = sessions[0].starts.astimezone(LONDON)
    assert (first.weekday(), first.time()) == (5, datetime.time(10))
    assert sessions[0].starts - timezone.now() < datetime.timedelta(days=7)
    assert {s.meeting_point for s in sessions} == {"The clock tower"}

    # Saving again adds nothing: the rota is generated once per date.
    url = reverse("admin:campaigns_team_change", args=[team.pk])
    response = client.post(url, _team_form(clp_a), follow=True)
    assert response.status_code == 200
    assert "added from the rota" not in response.text
    assert Session.objects.filter(team=team).count() == 8


def test_a_team_without_a_rota_gets_no_sessions(client, officer_a, clp_a):
    client.force_login(officer_a)
    form = _team_form(clp_a, name="By-election squad", weekday="", start_time="")
    response = client.post(reverse("admin:campaigns_team_add"), form)
    assert response.status_code == 302
    assert Team.objects.filter(name="By-election squad").exists()
    assert not Session.objects.exists()


def test_an_unknown_time_zone_is_refused_next_to_the_field(client, officer_a, clp_a):
    client.force_login(officer_a)
    form = _team_form(clp_a, timezone="London")
    response = client.post(reverse("admin:campaigns_team_add"), form)
    assert response.status_code == 200
    assert "is not a time zone we know" in response.text
    assert not Team.objects.exists()
    assert not Session.objects.exists()


def test_moving_the_rota_replaces_the_old_sessions_still_to_come(
    client, officer_a, clp_a
):
    client.force_login(officer_a)
    client.post(reverse("admin:campaigns_team_add"), _team_form(clp_a))
    team = Team.objects.get()
    member = factories.PersonFactory(constituency=clp_a)
    team.members.add(member)
    first, second, *_rest = Session.objects.filter(team=team)
    session_signup(session=second, person=member, actor=None)
    one_off = Session.objects.create(
        team=team,
        starts=first.starts + datetime.timedelta(days=2),
        ends=first.starts + datetime.timedelta(days=2, hours=1),
    )

    url = reverse("admin:campaigns_team_change", args=[team.pk])
    form = _team_form(
        clp_a, weekday="6", start_time="11:00", meeting_point="The library steps"
    )
    response = client.post(url, form, follow=True)
    assert response.status_code == 200
    assert "7 removed, 1 cancelled because people had signed up" in response.text

    planned = Session.objects.filter(team=team, status=Session.Status.PLANNED)
    local = [s.starts.astimezone(LONDON) for s in planned if s.pk != one_off.pk]
    assert {(t.weekday(), t.time()) for t in local} == {(6, datetime.time(11))}
    assert planned.filter(pk=one_off.pk).exists()  # a one-off session stays
    assert {s.meeting_point for s in planned if s.pk != one_off.pk} == {
        "The library steps"
    }
    second.refresh_from_db()
    assert second.status == Session.Status.CANCELLED
    assert not Reminder.objects.filter(status=Reminder.Status.PENDING).exists()


def test_an_officer_taking_someone_off_a_team_drops_their_signups(
    client, officer_a, clp_a
):
    client.force_login(officer_a)
    client.post(reverse("admin:campaigns_team_add"), _team_form(clp_a))
    team = Team.objects.get()
    member = factories.PersonFactory(constituency=clp_a)
    team.members.add(member)
    session = Session.objects.filter(team=team).last()
    session_signup(session=session, person=member, actor=None)
    membership = team.teammembership_set.get()

    form = _team_form(clp_a)
    form |= {
        "teammembership_set-TOTAL_FORMS": "1",
        "teammembership_set-INITIAL_FORMS": "1",
        "teammembership_set-0-id": str(membership.pk),
        "teammembership_set-0-team": str(team.pk),
        "teammembership_set-0-person": str(member.pk),
        "teammembership_set-0-DELETE": "on",
    }
    url = reverse("admin:campaigns_team_change", args=[team.pk])
    assert client.post(url, form).status_code == 302
    assert not team.members.exists()
    assert not session.signups.exists()
    assert not Reminder.objects.filter(status=Reminder.Status.PENDING).exists()
