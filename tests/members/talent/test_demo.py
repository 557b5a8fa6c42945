"""The demo has interests, forums (with the demo member as a forum officer) and
candidates to click through. (That a second run adds nothing, these rows
included, is tests/members/test_seed_demo.py::test_seed_demo_twice_changes_no_count.)"""

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


def test_demo_talent_is_there_once(seeded_demo, db, client):
    first = _counts()
    assert first["PersonInterest"] >= 40
    assert first["Forum"] == 5  # two per CLP and one European Forum across both
    assert first["ForumOfficer"] == 2
    assert first["Candidate"] == 4 and first["ShadowingPlacement"] >= 1

    ruth = User.objects.get(email="member@hodgehill.example.org")
    forum = ForumOfficer.objects.get(person=ruth.person).forum
    client.force_login(ruth)
    page = client.get(reverse("portal:forum", args=[forum.pk]))
    assert page.status_code == 200
    assert forum.memberships.count() >= 2
