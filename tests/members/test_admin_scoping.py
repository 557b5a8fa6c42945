"""Officers see their own constituency's records and nothing of another's."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Membership, Office, Person
from partyhub.audit.models import AuditEntry
from tests import factories


@pytest.fixture
def people(clp_a, clp_b):
    alice = factories.MembershipFactory(
        person=factories.PersonFactory(
            first_name="Alice",
            last_name="Aardvark",
            constituency=clp_a,
            postcode="B8 1AA",
        ),
        membership_number="A0000001",
    ).person
    bob = factories.MembershipFactory(
        person=factories.PersonFactory(
            first_name="Bob",
            last_name="Bandicoot",
            constituency=clp_b,
            postcode="RG30 1AA",
        ),
        membership_number="B0000001",
    ).person
    return alice, bob


def test_officer_sees_own_constituency_people_only(client, officer_a, people):
    alice, bob = people
    client.force_login(officer_a)
    response = client.get(reverse("admin:members_person_changelist"))
    assert response.status_code == 200
    assert "Aardvark" in response.text
    assert "Bandicoot" not in response.text


@pytest.mark.parametrize("query", ["Bandicoot", "B0000001", "RG30", "Bob"])
def test_officer_search_does_not_find_other_constituency(
    client, officer_a, people, query
):
    alice, bob = people
    client.force_login(officer_a)
    response = client.get(reverse("admin:members_person_changelist"), {"q": query})
    assert response.status_code == 200
    assert reverse("admin:members_person_change", args=[bob.pk]) not in response.text
    assert "0 people" in response.text


def test_officer_search_finds_own_people(client, officer_a, people):
    alice, bob = people
    client.force_login(officer_a)
    response = client.get(reverse("admin:members_person_changelist"), {"q": "A0000001"})
    assert reverse("admin:members_person_change", args=[alice.pk]) in response.text


def test_officer_membership_list_is_scoped(client, officer_a, people):
    client.force_login(officer_a)
    response = client.get(reverse("admin:members_membership_changelist"))
    assert "A0000001" in response.text
    assert "B0000001" not in response.text


@pytest.mark.parametrize("view", ["change", "history"])
def test_own_constituency_person_pages_open(client, officer_a, people, view):
    alice, bob = people
    client.force_login(officer_a)
    assert (
        client.get(reverse(f"admin:members_person_{view}", args=[alice.pk])).status_code
        == 200
    )


@pytest.mark.parametrize("view", ["change", "history", "delete"])
def test_other_constituency_person_page_is_404(client, officer_a, people, view):
    alice, bob = people
    client.force_login(officer_a)
    assert (
        client.get(reverse(f"admin:members_person_{view}", args=[bob.pk])).status_code
        == 404
    )


def test_other_constituency_membership_page_is_404(client, officer_a, people):
    alice, bob = people
    client.force_login(officer_a)
    url = reverse("admin:members_membership_change", args=[bob.memberships.get().pk])
    assert client.get(url).status_code == 404


def test_filter_choices_offer_only_own_wards(client, officer_a, people):
    alice, bob = people
    client.force_login(officer_a)
    response = client.get(reverse("admin:members_person_changelist"))
    assert alice.ward.name in response.text
    assert bob.ward.name not in response.text
    assert "Reading West" not in response.text


def test_filtering_by_other_constituency_ward_shows_nothing(client, officer_a, people):
    alice, bob = people
    client.force_login(officer_a)
    response = client.get(
        reverse("admin:members_person_changelist"), {"ward__id__exact": bob.ward_id}
    )
    assert "Bandicoot" not in response.text


def test_autocomplete_offers_only_own_people(client, officer_a, people):
    client.force_login(officer_a)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "members",
            "model_name": "membership",
            "field_name": "person",
            "term": "",
        },
    )
    assert response.status_code == 200
    names = [r["text"] for r in response.json()["results"]]
    assert any("Aardvark" in n for n in names)
    assert not any("Bandicoot" in n for n in names)


def test_foreign_key_choices_are_scoped(client, officer_a, people, clp_b):
    client.force_login(officer_a)
    response = client.get(reverse("admin:members_office_add"))
    assert response.status_code == 200
    assert "Hodge Hill" in response.text
    assert "Reading West" not in response.text


def test_officer_cannot_move_record_into_other_constituency(client, clp_a, clp_b):
    user = factories.officer(clp_a, role="membership_secretary")
    membership = factories.MembershipFactory(
        person=factories.PersonFactory(constituency=clp_a)
    )
    client.force_login(user)
    url = reverse("admin:members_membership_change", args=[membership.pk])
    response = client.post(
        url,
        {
            "person": membership.person_id,
            "membership_number": membership.membership_number,
            "constituency": clp_b.pk,
            "status": "current",
            "joined": "2020-01-01",
        },
    )
    assert response.status_code == 200  # the form comes back with an error
    membership.refresh_from_db()
    assert membership.constituency == clp_a


def test_bulk_action_touches_only_own_records(client, officer_a, people):
    from django.contrib.auth.models import Permission

    alice, bob = people
    officer_a.user_permissions.add(
        *Permission.objects.filter(codename__in=["delete_person", "delete_membership"])
    )
    client.force_login(officer_a)
    # Another CLP's id smuggled into a bulk action is ignored.
    response = client.post(
        reverse("admin:members_person_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [alice.pk, bob.pk],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not Person.objects.filter(pk=alice.pk).exists()
    assert Person.objects.filter(pk=bob.pk).exists()


def test_superuser_sees_all(client, superuser, people):
    client.force_login(superuser)
    response = client.get(reverse("admin:members_person_changelist"))
    assert "Aardvark" in response.text and "Bandicoot" in response.text


def test_social_secretary_cannot_edit_memberships(client, clp_a):
    social = factories.officer(clp_a, role="social_secretary")
    membership = factories.MembershipFactory(
        person=factories.PersonFactory(constituency=clp_a)
    )
    client.force_login(social)
    url = reverse("admin:members_membership_change", args=[membership.pk])
    response = client.get(url)
    assert response.status_code == 200  # may view
    assert 'name="status"' not in response.text
    response = client.post(
        url,
        {
            "person": membership.person_id,
            "membership_number": membership.membership_number,
            "constituency": clp_a.pk,
            "status": "lapsed",
            "joined": "2020-01-01",
        },
    )
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.status == Membership.Status.CURRENT
    assert client.get(reverse("admin:members_membership_add")).status_code == 403


def test_membership_secretary_can_edit_memberships(client, clp_a):
    user = factories.officer(clp_a, role="membership_secretary")
    membership = factories.MembershipFactory(
        person=factories.PersonFactory(constituency=clp_a)
    )
    client.force_login(user)
    url = reverse("admin:members_membership_change", args=[membership.pk])
    response = client.post(
        url,
        {
            "person": membership.person_id,
            "membership_number": membership.membership_number,
            "constituency": clp_a.pk,
            "status": "lapsed",
            "joined": "2020-01-01",
        },
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == Membership.Status.LAPSED
    entry = AuditEntry.objects.get(action="membership.change")
    assert entry.actor == user and entry.constituency == clp_a


def test_member_without_office_cannot_reach_admin(client, member_a):
    client.force_login(member_a)
    response = client.get(reverse("admin:index"))
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert client.get(response.url).status_code == 403
    assert client.get(reverse("admin:members_person_changelist")).status_code in (
        302,
        403,
    )


def test_ended_office_removes_admin_access(client, officer_a):
    client.force_login(officer_a)
    assert client.get(reverse("admin:index")).status_code == 200
    Office.objects.filter(person__user=officer_a).update(ends=timezone.localdate())
    response = client.get(reverse("admin:members_person_changelist"))
    assert response.status_code == 302


def test_future_office_does_not_open_admin(client, clp_a):
    user = factories.officer(clp_a)
    Office.objects.filter(person__user=user).update(
        starts=timezone.localdate() + datetime.timedelta(days=3)
    )
    client.force_login(user)
    assert client.get(reverse("admin:members_person_changelist")).status_code == 302


def test_is_staff_alone_does_not_open_admin(client, db):
    user = factories.UserFactory(is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:members_person_changelist")).status_code == 302
