"""A person's data export includes their petition signatures, teams and sessions."""

import datetime

from django.utils import timezone

from campaigns.models import Session
from campaigns.services import session_signup, team_join
from partyhub.privacy import export_data
from tests.pending import sign_confirmed


def test_data_export_has_signatures_teams_and_sessions(petition, team, member_a):
    person = member_a.person
    person.email = "ada@example.org"
    person.save()
    sign_confirmed(
        petition=petition,
        data={
            "first_name": "Ada",
            "last_name": "L",
            "email": "ada@example.org",
            "postcode": "B8 1AA",
        },
    )
    team_join(team=team, person=person, actor=member_a)
    starts = timezone.now() + datetime.timedelta(days=3)
    session = Session.objects.create(
        team=team, starts=starts, ends=starts + datetime.timedelta(hours=1)
    )
    session_signup(session=session, person=person, actor=member_a)

    data = export_data(person)
    assert [r["petition"] for r in data["petition_signatures"]] == [petition.title]
    assert [r["team"] for r in data["campaign_teams"]] == [team.name]
    assert [r["team"] for r in data["campaign_sessions"]] == [team.name]
