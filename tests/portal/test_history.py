"""My history in the portal: the person's own timeline, without officers' notes."""

from django.urls import reverse

from tests.personal_data.conftest import rich_person


def test_member_sees_their_history_without_officers_notes(client, clp_a, officer_a):
    person = rich_person(clp_a, officer_a)
    client.force_login(person.user)
    page = client.get(reverse("portal:history")).content.decode()
    assert "My history" in page
    assert "Signed “Library”" in page
    assert "Answered “Roads”" in page
    assert "Joined the Team a team" in page
    # The contact log and the phone bank are officers' notes.
    assert "Phone call" not in page
    assert "Rang Zebedee" not in page
    assert "Candidate" not in page


def test_portal_home_links_to_my_history(client, member_a):
    client.force_login(member_a)
    page = client.get(reverse("portal:home")).content.decode()
    assert reverse("portal:history") in page


def test_another_member_cannot_see_the_history(client, clp_a, officer_a, member_a):
    rich_person(clp_a, officer_a)
    client.force_login(member_a)
    page = client.get(reverse("portal:history")).content.decode()
    assert "Signed “Library”" not in page
