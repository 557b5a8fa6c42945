"""The demo has interests, forums (with the demo member as a forum officer) and
candidates to click through, and a second run adds nothing."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from members.models import (
    Candidate,
    Forum,
    ForumMembership,
    ForumOfficer,
    PersonInterest,
    ShadowingPlacement,
)
from partyhub.accounts.models import User


def _seed() -> None:
    call_command("seed_demo", force=True, stdout=io.StringIO())


def _counts() -> dict[str, int]:
    models = (
        PersonInterest,
        Forum,
        ForumMembership,
        ForumOfficer,
        Candidate,
        ShadowingPlacement,
    )
    return {m.__name__: m.objects.count() for m in models}


@pytest.mark.django_db
def test_demo_talent_is_there_once(client):

    _seed()
    first = _counts()
    assert first["PersonInterest"] >= 40
    assert first["Forum"] == 5  # two per CLP and one European Forum across both
    assert first["ForumOfficer"] == 2
    assert first["Candidate"] == 4 and first["ShadowingPlacement"] >= 1
    _seed()
    assert _counts() == first

    ruth = User.objects.get(email="member@hodgehill.example.org")
    forum = ForumOfficer.objects.get(person=ruth.person).forum
    client.force_login(ruth)
    page = client.get(reverse("portal:forum", args=[forum.pk]))
    assert page.status_code == 200
    assert forum.memberships.count() >= 2
