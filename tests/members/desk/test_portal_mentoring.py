"""The mentor slot in the portal: a member sees their mentor, a mentor their mentees."""

import pytest
from django.urls import reverse

from members.models import ContactLog, Mentorship
from members.signals import members_joined
from tests import factories
from tests.members.desk.conftest import make_mentor, new_member


@pytest.fixture
def pair(clp_a):
    """A mentor with a login, and a new member with a login whom they mentor."""
    mentor_user = factories.UserFactory()
    make_mentor(
        clp_a,
        first_name="Maya",
        last_name="Mentor",
        user=mentor_user,
        email=mentor_user.email,
        mobile="07700 900123",
    )
    mentee_user = factories.UserFactory()
    mentee = new_member(
        clp_a,
        first_name="Nia",
        last_name="Newby",
        user=mentee_user,
        email=mentee_user.email,
        phone="0121 496 0111",
    )
    members_joined.send(sender=None, person_ids=[mentee.pk])
    return mentor_user, mentee_user, Mentorship.objects.get(mentee=mentee)


def test_member_sees_their_mentor_and_how_to_reach_them(client, pair):
    mentor_user, mentee_user, mentorship = pair
    client.force_login(mentee_user)
    page = client.get(reverse("portal:home"))
    assert "Maya Mentor" in page.text
    assert mentor_user.email in page.text
    assert "07700 900123" in page.text
    assert reverse("portal:mentees") not in page.text


def test_member_without_mentor_sees_the_placeholder(client, member_a):
    client.force_login(member_a)
    page = client.get(reverse("portal:home"))
    assert "Your mentor will appear here" in page.text


def test_mentor_sees_mentees_and_logs_a_contact(client, pair):
    mentor_user, mentee_user, mentorship = pair
    client.force_login(mentor_user)
    home = client.get(reverse("portal:home"))
    assert "You are mentoring 1 new member" in home.text
    listing = client.get(reverse("portal:mentees"))
    assert "Nia Newby" in listing.text
    url = reverse("portal:mentee", args=[mentorship.pk])
    page = client.get(url)
    assert "0121 496 0111" in page.text
    bad = client.post(url, {"how": "call"})
    assert "This field is required" in bad.text
    assert not ContactLog.objects.exists()
    response = client.post(
        url, {"how": "call", "outcome": "spoke", "note": "Coming on Thursday"}
    )
    assert response.status_code == 302
    entry = ContactLog.objects.get()
    assert entry.by_person.user == mentor_user
    mentorship.refresh_from_db()
    assert mentorship.first_contact_at == entry.at
    assert "Coming on Thursday" in client.get(url).text


def test_mentor_does_not_see_officers_notes(client, pair):
    mentor_user, mentee_user, mentorship = pair
    ContactLog.objects.create(
        person=mentorship.mentee, how="call", outcome="spoke", note="Officer only"
    )
    client.force_login(mentor_user)
    page = client.get(reverse("portal:mentee", args=[mentorship.pk]))
    assert "Officer only" not in page.text


def test_another_member_cannot_see_a_mentee(client, pair, member_a):
    mentor_user, mentee_user, mentorship = pair
    url = reverse("portal:mentee", args=[mentorship.pk])
    for user in (member_a, mentee_user):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"how": "call", "outcome": "spoke"}).status_code == 404
        listing = client.get(reverse("portal:mentees")).text
        assert "You have no new members to look after" in listing
        assert url not in listing
    assert not ContactLog.objects.exists()
