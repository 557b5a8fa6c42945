"""Officer pages cost what one CLP's rows cost, however big the deployment (issue
21): capped counts, no date drill-down over big tables, searches and filters that
indexes serve, and query counts that stay flat as rows grow."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Membership, Person
from partyhub.admin_base import CappedCountPaginator
from partyhub.audit.models import AuditEntry
from tests import factories


def _get(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return response, [q["sql"] for q in ctx.captured_queries]


# --- counts (21.2) -----------------------------------------------------------------


@pytest.mark.django_db
def test_people_list_says_more_than_the_cap_and_never_counts_the_table(
    client, clp_a, officer_a, monkeypatch
):
    monkeypatch.setattr(CappedCountPaginator, "cap", 3)
    for _ in range(5):
        factories.PersonFactory(constituency=clp_a)
    client.force_login(officer_a)
    response, queries = _get(client, reverse("admin:members_person_changelist"))
    assert "more than 3 people" in response.content.decode()
    counts = [q for q in queries if "COUNT(" in q.upper()]
    assert counts, "the list counts its rows"
    assert all("LIMIT 4" in q for q in counts), counts


@pytest.mark.django_db
def test_search_counts_only_the_matches_capped(client, clp_a, officer_a):
    factories.PersonFactory(constituency=clp_a, last_name="Okonkwo")
    factories.PersonFactory(constituency=clp_a, last_name="Smith")
    client.force_login(officer_a)
    response, queries = _get(
        client, reverse("admin:members_person_changelist"), q="Okonkwo"
    )
    page = response.content.decode()
    assert "1 person" in page
    assert "Okonkwo" in page and "Smith" not in page
    # No unfiltered total beside the search: every count is of the matches, capped.
    counts = [q for q in queries if "COUNT(" in q.upper()]
    assert counts and all("LIMIT 10001" in q for q in counts), counts


def test_no_date_drill_down_over_big_tables():
    big = [Person, Membership, AuditEntry]
    from supporters.models import Supporter

    big.append(Supporter)
    for model in big:
        assert admin.site._registry[model].date_hierarchy is None, model
