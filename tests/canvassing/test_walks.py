"""Walks: grouped by street, odd side then even, of the chosen size; printed
with the imprint the law requires on every page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from canvassing.models import Elector, PollingDistrict
from canvassing.services import register_import, walks_create
from canvassing.services.walks import walk_doors, walks_pdf
from partyhub.errors import DomainError
from tests.canvassing.conftest import register_csv


def _addresses(walk) -> list[str]:
    return [door.household.address for side in walk_doors(walk) for door in side.doors]


def test_walks_go_street_by_street_odd_side_then_even(district_a, officer_a):
    (walk,) = walks_create(
        constituency=district_a.constituency,
        district=district_a,
        target="all",
        size=50,
        actor=officer_a,
    )
    assert _addresses(walk) == [
        "1 High Street",
        "3 High Street",
        "Flat 1, 4 High Street",
        "2 High Street",
        "11 Mill Lane",
        "12 Mill Lane",
        "10 Mill Lane",
    ]
    sides = [(s.street, s.side) for s in walk_doors(walk)]
    assert sides == [
        ("High Street", "odd"),
        ("High Street", "even"),
        ("Mill Lane", "odd"),
        ("Mill Lane", "even"),
    ]


def test_walks_have_the_chosen_size(district_a, officer_a):
    walks = walks_create(
        constituency=district_a.constituency,
        district=district_a,
        target="all",
        size=3,
        actor=officer_a,
    )
    assert [len(_addresses(w)) for w in walks] == [3, 3, 1]
    assert [w.number for w in walks] == [1, 2, 3]


def test_targets_choose_who_to_visit(district_a, officer_a):
    clp = district_a.constituency
    (postal,) = walks_create(
        constituency=clp, district=district_a, target="postal", size=50, actor=officer_a
    )
    assert _addresses(postal) == ["1 High Street", "Flat 1, 4 High Street"]
    names = [
        e.first_name for s in walk_doors(postal) for d in s.doors for e in d.electors
    ]
    assert names == ["Bob", "Eve"]
    Elector.objects.filter(number__in=["1", "6"]).update(intention="ours")
    (ours,) = walks_create(
        constituency=clp,
        district=district_a,
        target="supporters",
        size=50,
        actor=officer_a,
    )
    assert _addresses(ours) == ["1 High Street", "10 Mill Lane"]
    Elector.objects.exclude(number="8").update(contacted_at="2026-01-01T10:00Z")
    (left,) = walks_create(
        constituency=clp,
        district=district_a,
        target="not_contacted",
        size=50,
        actor=officer_a,
    )
    assert _addresses(left) == ["11 Mill Lane"]


def test_a_ward_gets_walks_for_each_of_its_districts(district_a, ward_a, officer_a):
    other = PollingDistrict.objects.create(
        constituency=district_a.constituency, ward=ward_a, code="HA2"
    )
    register_import(
        district=other,
        data=register_csv([["1", "Jones", "Ray", "5 Park Road", "", "B8 2AA", ""]]),
        update=False,
        actor=officer_a,
    )
    walks = walks_create(
        constituency=district_a.constituency,
        ward=ward_a,
        target="all",
        size=50,
        actor=officer_a,
    )
    assert sorted(w.district.code for w in walks) == ["HA1", "HA2"]


def test_no_walks_when_nobody_matches(district_a, officer_a):
    with pytest.raises(DomainError):
        walks_create(
            constituency=district_a.constituency,
            district=district_a,
            target="supporters",
            size=50,
            actor=officer_a,
        )


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


def test_the_imprint_is_on_every_printed_page(clp_a, officer_a, imprint_a):
    district = PollingDistrict.objects.create(constituency=clp_a, code="HB1")
    rows = [[str(n), f"Voter{n}", "Al", f"{n} Long Road", "", "B8 3AA", ""]
            for n in range(1, 181)]  # fmt: skip
    register_import(
        district=district, data=register_csv(rows), update=False, actor=officer_a
    )
    walks = walks_create(
        constituency=clp_a, district=district, target="all", size=90, actor=officer_a
    )
    pdf = walks_pdf(walks, imprint=imprint_a)
    pages = _pages(pdf)
    assert pages >= 4  # two walks of 90 doors, more than a page each
    imprint = b"Promoted by Pat Agent on behalf of Sam Candidate, at 1 Party House"
    assert pdf.count(imprint) == pages


def test_walks_are_not_printed_without_an_imprint(client, district_a, lead_a):
    (walk,) = walks_create(
        constituency=district_a.constituency,
        district=district_a,
        target="all",
        size=50,
        actor=lead_a,
    )
    client.force_login(lead_a)
    url = reverse("canvassing:walks_pdf", args=[district_a.constituency.slug])
    response = client.get(f"{url}?walks={walk.pk}", follow=True)
    assert response["Content-Type"].startswith("text/html")
    assert b"must carry an imprint" in response.content


def test_a_lead_makes_walks_and_prints_them(client, district_a, lead_a, imprint_a):
    client.force_login(lead_a)
    slug = district_a.constituency.slug
    response = client.post(
        reverse("canvassing:walks_create", args=[slug]),
        {"walks-district": district_a.pk, "walks-target": "all", "walks-size": 4},
        follow=True,
    )
    assert b"Print these walks (PDF)" in response.content
    walk_ids = response.context["ids"]
    pdf = client.get(
        reverse("canvassing:walks_pdf", args=[slug]) + f"?walks={walk_ids}"
    )
    assert pdf["Content-Type"] == "application/pdf"
    assert b"HA1 walk 2" in pdf.content
