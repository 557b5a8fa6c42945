"""The person's admin page costs the same however many rows its inlines show,
and "roles now" asks only the apps where the person holds a role (issue 24,
issue 21.5)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import Campaign, Team
from members.models import Interest, PersonInterest
from partyhub.personal_data.timeline import person_roles
from tests import factories


def _page(client, person) -> tuple[str, int]:
    url = reverse("admin:members_person_change", args=[person.pk])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


@pytest.mark.django_db
def test_person_page_queries_flat_as_offices_and_interests_grow(
    client, clp_a, officer_a
):
    person = factories.PersonFactory(constituency=clp_a)
    interests = [
        Interest.objects.create(name=f"Interest {i}", active=True) for i in range(6)
    ]
    client.force_login(officer_a)
    factories.OfficeFactory(person=person, role="chair")
    PersonInterest.objects.create(person=person, interest=interests[0])
    _page(client, person)  # per-process caches (content types, the sidebar)
    _page_one, one = _page(client, person)
    for i, role in enumerate(("treasurer", "secretary", "youth_officer")):
        factories.OfficeFactory(person=person, role=role)
        PersonInterest.objects.create(person=person, interest=interests[i + 1])
    page, four = _page(client, person)
    assert four == one
    # Every row still offers the officer's constituency and the interests.
    assert page.count(f'<option value="{clp_a.pk}" selected>') >= 5
    assert page.count("Interest 5</option>") >= 5


@pytest.mark.django_db
def test_roles_now_asks_only_apps_where_the_person_has_a_role(clp_a):
    nobody = factories.PersonFactory(constituency=clp_a)
    with CaptureQueriesContext(connection) as ctx:
        assert person_roles(nobody) == []
    assert len(ctx.captured_queries) == 1

    campaign = Campaign.objects.create(name="Library", starts=datetime.date(2026, 9, 1))
    team = Team.objects.create(
        name="Saturday team",
        campaign=campaign,
        weekday=5,
        start_time=datetime.time(10, 0),
        duration_minutes=60,
    )
    team.constituencies.set([clp_a])
    team.members.add(nobody)
    with CaptureQueriesContext(connection) as ctx:
        roles = person_roles(nobody)
    assert roles == [("Teams", ["Saturday team"])]
    # The probe, then the campaigns part's two queries; members' and
    # networks' parts are not asked.
    assert len(ctx.captured_queries) == 3
    assert not any("members_office" in q["sql"] for q in ctx.captured_queries[1:])
