"""Segments can pick a forum's members, or narrow to people with a skill; each CLP's
segment holds its own people only."""

from members.models import Forum, ForumMembership, PersonInterest
from partyhub.comms.segments import segment_people
from tests.members.talent.conftest import member


def test_forum_members_of_own_constituency(clp_a, clp_b, welsh):
    forum = Forum.objects.create(name="European Forum", kind="european")
    forum.constituencies.add(clp_a, clp_b)
    ann = member(clp_a, first_name="Ann", last_name="A")
    member(clp_a, first_name="Not", last_name="In")
    bob = member(clp_b, first_name="Bob", last_name="B")
    for person in (ann, bob):
        ForumMembership.objects.create(forum=forum, person=person)
    people = segment_people(constituency=clp_a, criteria_values={"forums": [forum.pk]})
    assert list(people) == [ann]

    PersonInterest.objects.create(person=bob, interest=welsh)
    welsh_members = segment_people(
        constituency=clp_b,
        criteria_values={"member_status": ["current"], "interests": [welsh.pk]},
    )
    assert list(welsh_members) == [bob]
    assert not segment_people(
        constituency=clp_a,
        criteria_values={"member_status": ["current"], "interests": [welsh.pk]},
    ).exists()
