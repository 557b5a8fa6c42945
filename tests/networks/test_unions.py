"""Trade union links: branches with officers and GC delegates, activists, members'
unions counted per CLP, the liaison officer; each CLP's officers see their own."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from networks.models import (
    CommunityOrganisation,
    UnionActivist,
    UnionBranchOfficer,
    UnionDelegate,
)
from tests import factories

UNION_LINKS = "admin:networks_union_links"


def _members(clp, union, n, status="current"):
    for _ in range(n):
        person = factories.PersonFactory(constituency=clp)
        factories.MembershipFactory(person=person, trade_union=union, status=status)


@pytest.fixture
def unions(clp_a, clp_b):
    today = timezone.localdate()
    branch_a = CommunityOrganisation.objects.create(
        constituency=clp_a,
        name="Hodge Hill UNISON",
        kind="union_branch",
        union="UNISON",
    )
    branch_b = CommunityOrganisation.objects.create(
        constituency=clp_b, name="Reading GMB", kind="union_branch", union="GMB"
    )
    UnionBranchOfficer.objects.create(
        branch=branch_a, name="Una Secretary", role="Branch secretary"
    )
    UnionBranchOfficer.objects.create(
        branch=branch_b, name="Gus Chair", role="Chair", email="gus@example.org"
    )
    delegate_a = factories.PersonFactory(constituency=clp_a, last_name="Delegatea")
    old_delegate = factories.PersonFactory(constituency=clp_a, last_name="Olddelegate")
    UnionDelegate.objects.create(
        branch=branch_a, person=delegate_a, starts=today - datetime.timedelta(days=30)
    )
    UnionDelegate.objects.create(
        branch=branch_a,
        person=old_delegate,
        starts=today - datetime.timedelta(days=800),
        ends=today - datetime.timedelta(days=400),
    )
    steward = factories.PersonFactory(constituency=clp_b, last_name="Stewardb")
    UnionActivist.objects.create(
        person=steward, branch=branch_b, union="GMB", role="Shop steward"
    )
    _members(clp_a, "UNISON", 3)
    _members(clp_a, "Unite", 1)
    _members(clp_a, "Unite", 2, status="lapsed")  # not members now
    _members(clp_b, "GMB", 2)
    return {"a": branch_a, "b": branch_b}


def test_each_clps_officer_sees_only_their_own_union_links(
    client, clp_a, clp_b, officer_a, officer_b, unions
):
    liaison = factories.officer(
        clp_a, role="trade_union_liaison", last_name="Liaisonofficer"
    )
    campaign = Campaign.objects.create(name="Save our NHS", starts=timezone.localdate())
    campaign.constituencies.add(clp_a)
    unions["a"].joint_campaigns.add(campaign)

    client.force_login(officer_a)
    page = client.get(reverse(UNION_LINKS))
    assert page.status_code == 200
    text = page.text
    assert "Liaisonofficer" in text
    assert "Hodge Hill UNISON" in text and "Una Secretary" in text
    assert "Delegatea" in text and "Olddelegate" not in text
    assert "Save our NHS" in text
    assert "<td>UNISON</td><td>3</td>" in text.replace("\n", "")
    assert "<td>Unite</td><td>1</td>" in text.replace("\n", "")
    for other in ("Reading GMB", "Gus Chair", "gus@example.org", "Stewardb", "GMB"):
        assert other not in text
    assert liaison.person.full_name in text

    client.force_login(officer_b)
    text = client.get(reverse(UNION_LINKS)).text
    assert "Reading GMB" in text and "Stewardb" in text and "Shop steward" in text
    assert "<td>GMB</td><td>2</td>" in text.replace("\n", "")
    assert "Nobody holds the office today." in text
    for other in ("UNISON", "Una Secretary", "Delegatea", "Liaisonofficer"):
        assert other not in text


def test_union_records_are_scoped_in_the_admin(client, officer_a, officer_b, unions):
    client.force_login(officer_a)
    for name, own, other in (
        ("uniondelegate", "Delegatea", None),
        ("unionactivist", None, "Stewardb"),
    ):
        listing = client.get(reverse(f"admin:networks_{name}_changelist"))
        assert listing.status_code == 200
        if own:
            assert own in listing.text
        if other:
            assert other not in listing.text
    directory = client.get(reverse("admin:networks_communityorganisation_changelist"))
    assert reverse(UNION_LINKS) in directory.text
    activist = UnionActivist.objects.get()
    assert (
        client.get(
            reverse("admin:networks_unionactivist_change", args=[activist.pk])
        ).status_code
        == 404
    )
    # The branch's page lists its officers and delegates; another CLP's is a 404.
    page = client.get(
        reverse("admin:networks_communityorganisation_change", args=[unions["a"].pk])
    )
    assert "Una Secretary" in page.text
    assert "General Committee" in page.text
    assert (
        client.get(
            reverse(
                "admin:networks_communityorganisation_change", args=[unions["b"].pk]
            )
        ).status_code
        == 404
    )


def test_a_delegate_must_come_from_a_union_branch_and_end_after_starting(
    client, clp_a, officer_a, unions
):
    church = CommunityOrganisation.objects.create(
        constituency=clp_a, name="St Mary's", kind="faith"
    )
    person = factories.PersonFactory(constituency=clp_a)
    client.force_login(officer_a)
    url = reverse("admin:networks_uniondelegate_add")
    response = client.post(
        url, {"branch": church.pk, "person": person.pk, "starts": "2026-01-01"}
    )
    assert response.status_code == 200
    assert "is not one of yours" in response.text
    response = client.post(
        url,
        {
            "branch": unions["a"].pk,
            "person": person.pk,
            "starts": "2026-01-01",
            "ends": "2025-01-01",
        },
    )
    assert response.status_code == 200
    assert "The end comes before the start." in response.text
    assert UnionDelegate.objects.filter(person=person).count() == 0
    response = client.post(
        url, {"branch": unions["a"].pk, "person": person.pk, "starts": "2026-01-01"}
    )
    assert response.status_code == 302
    assert UnionDelegate.objects.filter(person=person).count() == 1


def test_union_links_page_takes_a_fixed_number_of_queries(
    client, clp_a, officer_a, unions, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(officer_a)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(UNION_LINKS))
    for i in range(5):
        branch = CommunityOrganisation.objects.create(
            constituency=clp_a, name=f"Branch {i}", kind="union_branch", union=f"U{i}"
        )
        UnionBranchOfficer.objects.create(branch=branch, name=f"Off {i}", role="Sec")
        _members(clp_a, f"U{i}", 1)
        UnionActivist.objects.create(
            person=factories.PersonFactory(constituency=clp_a),
            union=f"U{i}",
            role="Rep",
        )
    with django_assert_max_num_queries(len(few)):
        page = client.get(reverse(UNION_LINKS))
    assert "Off 4" in page.text


def test_a_plain_member_cannot_open_the_union_links(client, member_a):
    client.force_login(member_a)
    response = client.get(reverse(UNION_LINKS))
    assert response.status_code in (302, 403)


def test_my_data_export_holds_my_union_roles_and_delegations(clp_a, unions):
    from partyhub.privacy import export_data

    delegate = UnionDelegate.objects.get(ends__isnull=True).person
    UnionActivist.objects.create(
        person=delegate, branch=unions["a"], union="UNISON", role="Steward"
    )
    data = export_data(delegate)
    assert data["union_roles"][0]["union"] == "UNISON"
    assert data["union_roles"][0]["branch"] == "Hodge Hill UNISON"
    assert data["union_delegations"][0]["branch"] == "Hodge Hill UNISON"
