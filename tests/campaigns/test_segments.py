"""The "members of campaign team" segment: each CLP gets only its own people."""

from campaigns.segments import TEAM_MEMBERS_KEY
from partyhub.comms.segments import segment_people
from tests import factories


def test_team_segment_selects_only_the_constituencys_own_team_members(
    team, clp_a, clp_b
):
    alice = factories.PersonFactory(constituency=clp_a)
    bob = factories.PersonFactory(constituency=clp_b)
    factories.PersonFactory(constituency=clp_a)  # not on the team
    team.members.add(alice, bob)

    people_a = segment_people(
        constituency=clp_a, criteria_values={TEAM_MEMBERS_KEY: [team.pk]}
    )
    people_b = segment_people(
        constituency=clp_b, criteria_values={TEAM_MEMBERS_KEY: [team]}
    )
    assert list(people_a) == [alice]
    assert list(people_b) == [bob]
