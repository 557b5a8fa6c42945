"""A person's timeline comes from the register of personal data: every registered
model contributes its entries (or says why it has none), in a fixed number of
queries, scoped to the officer's constituencies."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.models import Petition, Signature
from partyhub.personal_data import registered_models
from partyhub.personal_data.timeline import (
    OTHER_CONSTITUENCY,
    NoTimeline,
    person_timeline,
)
from tests import factories
from tests.personal_data.conftest import rich_person


def test_every_registered_model_has_a_timeline_or_says_why_not():
    missing = [
        entry.label
        for entry in registered_models()
        if not callable(entry.timeline)
        and not (isinstance(entry.timeline, NoTimeline) and entry.timeline.reason)
    ]
    assert missing == [], (
        "Give these a timeline= (partyhub.personal_data.timeline.timeline_of) or "
        f"NO_TIMELINE(reason): {missing}"
    )


def test_timeline_shows_what_the_person_did_in_every_app(zebedee):
    items = person_timeline(zebedee)
    titles = [item.title for item in items]
    kinds = {item.kind for item in items}
    assert {
        "membership", "supporter", "events", "teams", "petitions", "surveys",
        "reports", "networks", "consent", "contacts", "messages",
    } <= kinds  # fmt: skip
    assert "Signed “Library”" in titles
    assert "Answered “Roads”" in titles
    assert "Posted in “Hello” (Governors a)" in titles
    assert "Joined the Team a team" in titles
    assert [i.when for i in items] == sorted((i.when for i in items), reverse=True)


def test_own_timeline_leaves_out_officers_notes(zebedee):
    officers = [i for i in person_timeline(zebedee) if i.officers_only]
    assert {i.kind for i in officers} >= {"contacts"}
    own = person_timeline(zebedee, own=True)
    assert not any(i.officers_only for i in own)
    assert not any("Rang" in i.detail for i in own)


def test_other_constituencys_activity_shows_without_detail(zebedee, clp_a, clp_b):
    # Seen by an officer of B, A's petition is only "activity in another CLP".
    seen_by_b = person_timeline(zebedee, constituency_ids=frozenset({clp_b.pk}))
    titles = [i.title for i in seen_by_b]
    assert "Signed “Library”" not in titles
    assert "Answered “Roads”" not in titles
    assert str(OTHER_CONSTITUENCY) in titles
    # The person's own records (membership, consent) are not another CLP's.
    assert "Joined the party" in titles
    seen_by_a = [
        i.title
        for i in person_timeline(zebedee, constituency_ids=frozenset({clp_a.pk}))
    ]
    assert "Signed “Library”" in seen_by_a
    assert str(OTHER_CONSTITUENCY) not in seen_by_a


def _queries(person) -> int:
    with CaptureQueriesContext(connection) as ctx:
        person_timeline(person)
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_history(clp_a, officer_a):
    person = rich_person(clp_a, officer_a)
    few = _queries(person)
    petition = Petition.objects.get(slug="library-a")
    for n in range(20):
        other = Petition.objects.create(
            constituency=clp_a, slug=f"more-{n}", title=f"More {n}", text="x"
        )
        Signature.objects.create(petition=other, person=person, source="online")
    assert petition.pk
    factories.MembershipFactory(person=person, membership_number="QA0002")
    assert len(person_timeline(person)) > 20
    assert _queries(person) == few
