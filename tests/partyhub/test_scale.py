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
def test_exact_count_on_demand_counts_once_and_keeps_the_filter(
    client, clp_a, clp_b, officer_a, monkeypatch
):
    monkeypatch.setattr(CappedCountPaginator, "cap", 3)
    for _ in range(5):
        factories.PersonFactory(constituency=clp_a, last_name="Many")
    factories.PersonFactory(constituency=clp_a, last_name="Other")
    factories.PersonFactory(constituency=clp_b, last_name="Many")
    client.force_login(officer_a)
    url = reverse("admin:members_person_changelist")
    page = client.get(url, {"q": "Many"}).content.decode()
    assert "more than 3 people" in page
    assert "?q=Many&amp;_count=exact" in page  # the link keeps the search
    response, queries = _get(client, url, q="Many", _count="exact")
    page = response.content.decode()
    # The officer's own five, exactly: not clp_b's, not "Other".
    assert "5 people" in page and "more than" not in page
    assert "count exactly" not in page
    assert [q for q in queries if "COUNT(" in q.upper() and "LIMIT" not in q]


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


# --- search (21.3) -----------------------------------------------------------------


def _search(client, url_name, term):
    response, queries = _get(client, reverse(url_name), q=term)
    return response.content.decode(), queries


@pytest.mark.django_db
def test_membership_number_search_needs_no_join_or_distinct(client, clp_a, officer_a):
    found = factories.MembershipFactory(
        person=factories.PersonFactory(constituency=clp_a, last_name="Numbered"),
        membership_number="L7654321",
    )
    factories.MembershipFactory(
        person=factories.PersonFactory(constituency=clp_a, last_name="Other")
    )
    client.force_login(officer_a)
    page, queries = _search(client, "admin:members_person_changelist", "l7654321")
    assert found.person.last_name in page and "Other" not in page
    listing = [q for q in queries if 'FROM "members_person"' in q and "LIMIT" in q]
    assert listing
    for sql in listing:
        assert "DISTINCT" not in sql.upper()
        assert 'JOIN "members_membership"' not in sql


@pytest.mark.django_db
def test_postcode_typed_any_way_is_one_exact_term(client, clp_a, officer_a):
    factories.PersonFactory(constituency=clp_a, last_name="Hodge", postcode="B8 1AA")
    factories.PersonFactory(
        constituency=clp_a, last_name="Islington", postcode="N1 1AA", email="b8@x.org"
    )
    client.force_login(officer_a)
    for typed in ("b8 1aa", "B8  1AA", "b81aa"):
        page, _ = _search(client, "admin:members_person_changelist", typed)
        assert "Hodge" in page and "Islington" not in page, typed


@pytest.mark.django_db
def test_email_and_phone_match_exactly_however_typed(client, clp_a, officer_a):
    factories.PersonFactory(
        constituency=clp_a, last_name="Exact", email="ann@example.org"
    )
    factories.PersonFactory(
        constituency=clp_a, last_name="Longer", email="joann@example.org"
    )
    factories.PersonFactory(
        constituency=clp_a, last_name="Caller", phone="0121 496 0000"
    )
    client.force_login(officer_a)
    page, _ = _search(client, "admin:members_person_changelist", "Ann@Example.org")
    assert "Exact" in page and "Longer" not in page
    page, _ = _search(client, "admin:members_person_changelist", "+44 121 4960000")
    assert "Caller" in page
    # The same search on the supporters list, through the supporter's person.
    from supporters.models import Supporter

    for person in Person.objects.filter(last_name__in=["Exact", "Longer"]):
        Supporter.objects.create(person=person, constituency=clp_a)
    page, _ = _search(
        client, "admin:supporters_supporter_changelist", "ANN@example.org"
    )
    assert "Exact" in page and "Longer" not in page


@pytest.mark.django_db
def test_a_typo_finds_the_name_by_trigram_similarity(client, clp_a, clp_b, officer_a):
    factories.PersonFactory(constituency=clp_a, last_name="Okafour", first_name="Ada")
    factories.PersonFactory(constituency=clp_b, last_name="Okafor", first_name="Ben")
    factories.PersonFactory(constituency=clp_a, last_name="Smith", first_name="Cy")
    client.force_login(officer_a)
    page, _ = _search(client, "admin:members_person_changelist", "Okafor")
    assert "Okafour" in page
    # Still only the officer's own CLP, and not everyone.
    assert "Ben" not in page and "Smith" not in page


@pytest.mark.django_db
def test_trigram_indexes_serve_the_name_search():
    queryset = Person.objects.filter(last_name__icontains="kafo").order_by()
    with connection.cursor() as cursor:
        # An empty test table is scanned whole; forbid that to see which index
        # can answer the LIKE at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "person_last_name_trgm" in plan, plan


# --- filters (21.4) ----------------------------------------------------------------


def _listing(queries):
    return [q for q in queries if 'FROM "members_person"' in q and "LIMIT" in q]


@pytest.mark.django_db
def test_status_and_branch_filters_use_exists_not_a_join(client, clp_a, officer_a):
    branch = factories.BranchFactory(constituency=clp_a)
    factories.MembershipFactory(
        person=factories.PersonFactory(constituency=clp_a, last_name="Lapsedone"),
        status=Membership.Status.LAPSED,
    )
    factories.MembershipFactory(
        person=factories.PersonFactory(constituency=clp_a, last_name="Currentone"),
        branch=branch,
    )
    client.force_login(officer_a)
    url = reverse("admin:members_person_changelist")
    response, queries = _get(client, url, membership_status="lapsed")
    page = response.content.decode()
    assert "Lapsedone" in page and "Currentone" not in page
    for sql in _listing(queries):
        assert "EXISTS" in sql and "DISTINCT" not in sql.upper()
        assert 'JOIN "members_membership"' not in sql
    response, queries = _get(client, url, membership_branch=str(branch.pk))
    page = response.content.decode()
    assert "Currentone" in page and "Lapsedone" not in page


@pytest.mark.django_db
def test_regional_sidebar_lists_wards_of_the_chosen_constituency_only(
    client, clp_a, clp_b, superuser
):
    factories.WardFactory(constituency=clp_a, name="Sidebarward Alpha")
    factories.WardFactory(constituency=clp_b, name="Sidebarward Beta")
    factories.BranchFactory(constituency=clp_b, name="Sidebarbranch Beta")
    client.force_login(superuser)
    url = reverse("admin:members_person_changelist")
    page = client.get(url).content.decode()
    assert "Sidebarward" not in page and "Sidebarbranch" not in page
    page = client.get(url, {"constituency__id__exact": clp_b.pk}).content.decode()
    assert "Sidebarward Beta" in page and "Sidebarbranch Beta" in page
    assert "Sidebarward Alpha" not in page


@pytest.mark.django_db
def test_officer_sidebar_lists_only_their_own_wards(client, clp_a, clp_b, officer_a):
    factories.WardFactory(constituency=clp_a, name="Sidebarward Alpha")
    factories.WardFactory(constituency=clp_b, name="Sidebarward Beta")
    client.force_login(officer_a)
    page = client.get(reverse("admin:members_person_changelist")).content.decode()
    assert "Sidebarward Alpha" in page and "Sidebarward Beta" not in page


@pytest.mark.django_db
def test_renewal_desk_counts_in_one_plain_aggregate(client, clp_a, officer_a):
    for _ in range(3):
        factories.MembershipFactory(
            person=factories.PersonFactory(constituency=clp_a),
            status=Membership.Status.ARREARS,
        )
    client.force_login(officer_a)
    response, queries = _get(
        client, reverse("admin:members_deskmembership_changelist"), list="arrears"
    )
    assert "(3)" in response.content.decode()
    aggregates = [q for q in queries if '"arrears"' in q and "COUNT(" in q.upper()]
    # One aggregate for all seven lists, without the list's per-row annotations
    # (Django drops the unused mentor and last-contact subqueries).
    assert len(aggregates) == 1, aggregates
    assert '"mentor_name"' not in aggregates[0]
