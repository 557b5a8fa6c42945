"""Every portal page, for a member, for an anonymous visitor, for a login with no
Person, and for another member's objects."""

import pytest
from django.urls import reverse

from members.models import Membership
from partyhub.personal_data.models import DataRequest
from tests import factories

PAGES = [
    "portal:home",
    "portal:details",
    "portal:contact",
    "portal:interests",
    "portal:data",
    "portal:history",
]


@pytest.mark.parametrize("name", PAGES)
def test_each_page_renders_for_a_member(client, member_a, name):
    client.force_login(member_a)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert member_a.person.first_name in response.content.decode()


@pytest.mark.parametrize("name", [*PAGES, "portal:data_download", "portal:erasure"])
def test_anonymous_visitors_are_sent_to_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", PAGES)
def test_a_login_without_a_person_is_told_how_to_claim(client, db, name):
    client.force_login(factories.UserFactory())
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "not linked to a record" in response.content.decode()
    assert reverse("accounts:claim") in response.content.decode()


def test_home_explains_arrears_with_a_renewal_link(client, member_a):
    member_a.person.memberships.update(status=Membership.Status.ARREARS)
    client.force_login(member_a)
    page = client.get(reverse("portal:home")).content.decode()
    assert "In arrears" in page
    assert "https://join.labour.org.uk/" in page


@pytest.mark.parametrize(
    "status, text",
    [
        (Membership.Status.CURRENT, "good standing"),
        (Membership.Status.LAPSED, "has lapsed"),
        (Membership.Status.RESIGNED, "You resigned"),
    ],
)
def test_home_says_what_the_status_means(client, member_a, status, text):
    member_a.person.memberships.update(status=status)
    client.force_login(member_a)
    assert text in client.get(reverse("portal:home")).content.decode()


def test_home_for_a_non_member(client, clp_a):
    user = factories.UserFactory()
    factories.PersonFactory(constituency=clp_a, user=user, email=user.email)
    client.force_login(user)
    assert "not a member" in client.get(reverse("portal:home")).content.decode()


def test_navbar_links_to_my_account_for_a_person_only(client, member_a):
    client.force_login(member_a)
    assert reverse("portal:home") in client.get(reverse("home")).content.decode()
    client.force_login(factories.UserFactory())
    assert 'href="/me/"' not in client.get(reverse("home")).content.decode()


def test_each_page_shows_only_my_own_record(client, member_a, member_b):
    client.force_login(member_a)
    for name in PAGES:
        page = client.get(reverse(name)).content.decode()
        assert "Quartermaine" not in page
        assert member_b.email not in page


def test_another_members_erasure_request_is_404(client, member_a, member_b):
    theirs = DataRequest.objects.create(
        kind="erasure",
        person=member_b.person,
        constituency=member_b.person.constituency,
    )
    mine = DataRequest.objects.create(
        kind="erasure",
        person=member_a.person,
        constituency=member_a.person.constituency,
    )
    client.force_login(member_a)
    url = "portal:erasure_detail"
    assert client.get(reverse(url, args=[mine.pk])).status_code == 200
    assert client.get(reverse(url, args=[theirs.pk])).status_code == 404
    client.force_login(member_b)
    assert client.get(reverse(url, args=[theirs.pk])).status_code == 200
    assert client.get(reverse(url, args=[mine.pk])).status_code == 404


def test_a_download_link_made_for_another_member_is_404(
    client, member_a, member_b, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    from members.portal.services import data_export_to_file

    token = data_export_to_file(person_id=member_b.person.pk)
    client.force_login(member_a)
    assert client.get(reverse("portal:data_file", args=[token])).status_code == 404
    client.force_login(member_b)
    response = client.get(reverse("portal:data_file", args=[token]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"PK")
