"""The canvassing pages cost the same number of queries however big the walk or
the register (no query per door, elector or street)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from canvassing.models import PollingDistrict
from canvassing.services import register_import, walks_create
from tests.canvassing.conftest import register_csv


def _register(clp, actor, code: str, doors: int) -> PollingDistrict:
    district = PollingDistrict.objects.create(constituency=clp, code=code)
    rows = [[str(n), f"Voter{n}", "Al", f"{n} Road {n % 5}", "", "B8 3AA", ""]
            for n in range(1, doors + 1)]  # fmt: skip
    register_import(
        district=district, data=register_csv(rows), update=False, actor=actor
    )
    return district


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_pages_cost_the_same_for_a_small_and_a_big_register(client, clp_a, lead_a):
    client.force_login(lead_a)
    small = _register(clp_a, lead_a, "S1", 10)
    (small_walk,) = walks_create(
        constituency=clp_a, district=small, target="all", size=100, actor=lead_a
    )
    client.get(reverse("canvassing:walk", args=[small_walk.pk]))  # warm the session
    counts_small = [
        _count(client, reverse("canvassing:walk", args=[small_walk.pk])),
        _count(client, reverse("canvassing:results", args=[clp_a.slug])),
        _count(client, reverse("canvassing:constituency", args=[clp_a.slug])),
    ]
    big = _register(clp_a, lead_a, "B1", 60)
    (big_walk,) = walks_create(
        constituency=clp_a, district=big, target="all", size=100, actor=lead_a
    )
    counts_big = [
        _count(client, reverse("canvassing:walk", args=[big_walk.pk])),
        _count(client, reverse("canvassing:results", args=[clp_a.slug])),
        _count(client, reverse("canvassing:constituency", args=[clp_a.slug])),
    ]
    assert counts_big == counts_small
