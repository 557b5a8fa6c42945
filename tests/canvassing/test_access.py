"""The register is for electoral purposes only: officers of the CLP (with
two-factor) and the canvass leads its officers appointed use it; a member who is
not a lead, an officer of another CLP and an anonymous visitor get nothing."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from canvassing.models import CanvassLead, DoorstepReturn, Elector, Walk
from canvassing.services import canvass_lead_appoint, walks_create
from partyhub.audit.models import AuditEntry
from partyhub.errors import DomainError
from tests import factories


@pytest.fixture
def walk_a(district_a, officer_a):
    (walk,) = walks_create(
        constituency=district_a.constituency,
        district=district_a,
        target="all",
        size=100,
        actor=officer_a,
    )
    return walk


def _pages(clp, walk) -> list[str]:
    slug = clp.slug
    return [
        reverse("canvassing:constituency", args=[slug]),
        reverse("canvassing:results", args=[slug]),
        reverse("canvassing:polling_day", args=[slug]),
        reverse("canvassing:walks_print", args=[slug]) + f"?walks={walk.pk}",
        reverse("canvassing:walks_pdf", args=[slug]) + f"?walks={walk.pk}",
        reverse("canvassing:walk", args=[walk.pk]),
    ]


def _post_return(client, elector):
    return client.post(
        reverse("canvassing:return"),
        {"elector": elector.pk, "key": str(uuid.uuid4()), "answer": "ours"},
        HTTP_ACCEPT="application/json",
    )


def test_officers_and_leads_use_the_register(
    client, clp_a, walk_a, imprint_a, lead_a, officer_a
):
    for user in (officer_a, lead_a):
        client.force_login(user)
        for url in _pages(clp_a, walk_a):
            response = client.get(url)
            assert response.status_code == 200, url
        assert (
            b"Adams" in client.get(reverse("canvassing:walk", args=[walk_a.pk])).content
        )


@pytest.mark.parametrize("who", ["member", "officer_b", "lead_b"])
def test_nobody_else_sees_an_elector(client, clp_a, clp_b, walk_a, imprint_a, who):
    if who == "member":
        user = factories.member_user(clp_a)
    elif who == "officer_b":
        user = factories.officer(clp_b)
    else:
        user = factories.member_user(clp_b)
        CanvassLead.objects.create(constituency=clp_b, person=user.person)
    client.force_login(user)
    for url in _pages(clp_a, walk_a):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Adams" not in response.content
    elector = Elector.objects.first()
    assert _post_return(client, elector).status_code == 404
    assert not DoorstepReturn.objects.exists()


def test_a_member_who_is_not_a_lead_is_told_who_may(client, clp_a, district_a):
    client.force_login(factories.member_user(clp_a))
    response = client.get(reverse("canvassing:home"))
    assert response.status_code == 403
    assert b"canvass leads" in response.content


def test_an_officer_without_two_factor_is_sent_to_set_it_up(client, clp_a, walk_a):
    client.force_login(factories.officer(clp_a, two_factor=False))
    for url in _pages(clp_a, walk_a):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login" not in response["Location"]
        assert b"Adams" not in response.content


def test_anonymous_visitors_are_asked_to_log_in(client, clp_a, walk_a):
    for url in _pages(clp_a, walk_a):
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]
    assert _post_return(client, Elector.objects.first()).status_code == 302


def test_a_lead_is_appointed_from_their_own_constituency(clp_a, clp_b, officer_a):
    person = factories.PersonFactory(constituency=clp_a)
    lead = canvass_lead_appoint(constituency=clp_a, person=person, actor=officer_a)
    assert lead.appointed_for_id == clp_a.pk
    assert AuditEntry.objects.filter(action="canvassing.lead_appointed").exists()
    outsider = factories.PersonFactory(constituency=clp_b)
    with pytest.raises(DomainError):
        canvass_lead_appoint(constituency=clp_a, person=outsider, actor=officer_a)


def test_every_copy_of_a_walk_is_audited(client, clp_a, walk_a, imprint_a, lead_a):
    client.force_login(lead_a)
    client.get(reverse("canvassing:walk", args=[walk_a.pk]))
    client.get(
        reverse("canvassing:walks_pdf", args=[clp_a.slug]) + f"?walks={walk_a.pk}"
    )
    actions = set(
        AuditEntry.objects.filter(actor=lead_a).values_list("action", flat=True)
    )
    assert {"canvassing.walk_opened", "canvassing.walk_printed"} <= actions


def test_only_an_officer_deletes_the_register(
    client, clp_a, district_a, lead_a, officer_a
):
    url = reverse("canvassing:delete", args=[clp_a.slug])
    client.force_login(lead_a)
    assert client.post(url).status_code == 404
    assert Elector.objects.exists()
    client.force_login(officer_a)
    assert client.post(url).status_code == 302
    assert not Elector.objects.exists()
    assert not Walk.objects.exists()
