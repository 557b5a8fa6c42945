"""Every new admin page opens for the officers who hold its permissions."""

import pytest
from django.urls import reverse

from tests import factories

PAGES = [
    ("interest", "chair"),
    ("personinterest", "secretary"),
    ("candidate", "political_education"),
    ("shadowingplacement", "chair"),
    ("forum", "womens_officer"),
    ("forummembership", "youth_officer"),
    ("forumofficer", "ethnic_minority_officer"),
]


@pytest.mark.parametrize(("model", "role"), PAGES)
@pytest.mark.parametrize("view", ["changelist", "add"])
def test_admin_pages_open(client, clp_a, model, role, view):
    client.force_login(factories.officer(clp_a, role=role))
    response = client.get(reverse(f"admin:members_{model}_{view}"))
    assert response.status_code == 200


def test_person_page_shows_the_interests_inline(client, officer_a, clp_a):
    person = factories.PersonFactory(constituency=clp_a)
    client.force_login(officer_a)
    page = client.get(reverse("admin:members_person_change", args=[person.pk]))
    assert "Interests and skills" in page.text
