import datetime

import pytest

from campaigns.models import Campaign, Petition, Team
from tests import factories


@pytest.fixture
def campaign(clp_a, clp_b):
    campaign = Campaign.objects.create(
        name="Save the library", starts=datetime.date(2026, 9, 1)
    )
    campaign.constituencies.set([clp_a, clp_b])
    return campaign


@pytest.fixture
def team(campaign, clp_a, clp_b):
    """Team Bridgend: Saturdays 10:00 for an hour, across both CLPs."""
    team = Team.objects.create(
        name="Saturday team",
        campaign=campaign,
        weekday=5,
        start_time=datetime.time(10, 0),
        duration_minutes=60,
        meeting_point="The clock tower",
    )
    team.constituencies.set([clp_a, clp_b])
    return team


@pytest.fixture
def lead(clp_a, team):
    user = factories.member_user(clp_a)
    team.leads.add(user.person, through_defaults={"appointed_for": clp_a})
    team.members.add(user.person)
    return user


@pytest.fixture
def petition(clp_a, campaign):
    return Petition.objects.create(
        constituency=clp_a,
        campaign=campaign,
        slug="save-the-library",
        title="Save the library",
        text="We call on the council to keep the library open.",
        target=500,
        status=Petition.Status.OPEN,
    )
