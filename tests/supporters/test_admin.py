"""Supporters in the officers' admin: scoped lists and pages, flat queries, export,
kinds of help, unconfirmed signups, the newsletter segment, permissions."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partyhub.audit.models import AuditEntry
from partyhub.comms.consent import consent_record, contactable
from partyhub.comms.models import Channel, Method, Segment
from partyhub.comms.segments import segment_people
from supporters.models import HelpOffer, SignupRequest, Supporter
from tests import factories


def make_supporter(clp, status=Supporter.Status.CONFIRMED, offers=(), **person):
    person = factories.PersonFactory(constituency=clp, **person)
    supporter = Supporter.objects.create(
        person=person,
        constituency=clp,
        status=status,
        joined=timezone.localdate(),
    )
    supporter.offers.add(*offers)
    return supporter


@pytest.fixture
def poster():
    return HelpOffer.objects.get(slug="poster", constituency=None)


@pytest.fixture
def cast(clp_a, clp_b, poster):
    alice = make_supporter(clp_a, offers=[poster], last_name="Aardvark")
    bob = make_supporter(clp_b, offers=[poster], last_name="Bandicoot")
    return alice, bob


def test_officer_sees_own_constituency_supporters_only(client, officer_a, cast):
    client.force_login(officer_a)
    response = client.get(reverse("admin:supporters_supporter_changelist"))
    assert response.status_code == 200
    assert "Aardvark" in response.text
    assert "Bandicoot" not in response.text


@pytest.mark.parametrize("query", ["Bandicoot", "person"])
def test_search_never_finds_other_constituency(client, officer_a, cast, query):
    alice, bob = cast
    client.force_login(officer_a)
    response = client.get(
        reverse("admin:supporters_supporter_changelist"), {"q": query}
    )
    assert response.status_code == 200
    assert (
        reverse("admin:supporters_supporter_change", args=[bob.pk]) not in response.text
    )


def test_other_constituency_supporter_page_is_404(client, officer_a, cast):
    alice, bob = cast
    client.force_login(officer_a)
    own = reverse("admin:supporters_supporter_change", args=[alice.pk])
    assert client.get(own).status_code == 200
    other = reverse("admin:supporters_supporter_change", args=[bob.pk])
    assert client.get(other).status_code == 404


def test_filters_by_offer_status_and_ward(client, officer_a, clp_a, poster):
    leaflets = HelpOffer.objects.get(slug="leaflets", constituency=None)
    a = make_supporter(clp_a, offers=[poster], last_name="Posterton")
    make_supporter(clp_a, offers=[leaflets], last_name="Leafley")
    make_supporter(clp_a, status=Supporter.Status.LEFT, last_name="Gonewell")
    client.force_login(officer_a)
    url = reverse("admin:supporters_supporter_changelist")
    response = client.get(url, {"offer": poster.pk})
    assert "Posterton" in response.text and "Leafley" not in response.text
    response = client.get(url, {"status__exact": "left"})
    assert "Gonewell" in response.text and "Posterton" not in response.text
    response = client.get(url, {"person__ward__id__exact": a.person.ward_id})
    assert "Posterton" in response.text and "Leafley" not in response.text


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("admin:supporters_supporter_changelist"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_supporter_list_query_count_stays_flat(client, clp_a, officer_a, poster):
    ward = factories.WardFactory(constituency=clp_a)
    leaflets = HelpOffer.objects.get(slug="leaflets", constituency=None)
    client.force_login(officer_a)
    for _ in range(3):
        make_supporter(clp_a, offers=[poster, leaflets], ward=ward)
    few = _list_queries(client)
    for _ in range(30):
        make_supporter(clp_a, offers=[poster, leaflets], ward=ward)
    assert _list_queries(client) == few


def test_export_writes_csv_and_audit_entry(client, officer_a, cast, clp_a):
    alice, bob = cast
    client.force_login(officer_a)
    response = client.post(
        reverse("admin:supporters_supporter_changelist"),
        {"action": "export_csv", "_selected_action": [alice.pk, bob.pk]},
    )
    assert response.status_code == 200
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    )
    assert [r["last_name"] for r in rows] == ["Aardvark"]
    assert rows[0]["offers"] == "poster"
    entry = AuditEntry.objects.get(action="supporter.export")
    assert entry.actor == officer_a
    assert entry.row_count == 1
    assert entry.constituency == clp_a


def test_officer_without_export_right_cannot_export(client, clp_a, cast):
    social = factories.officer(clp_a, role="social_secretary")
    alice, _bob = cast
    client.force_login(social)
    response = client.post(
        reverse("admin:supporters_supporter_changelist"),
        {"action": "export_csv", "_selected_action": [alice.pk]},
    )
    assert response.get("Content-Type", "").startswith("text/html")
    assert not AuditEntry.objects.filter(action="supporter.export").exists()


def test_social_secretary_sees_but_cannot_edit_supporters(client, clp_a, cast):
    social = factories.officer(clp_a, role="social_secretary")
    alice, _bob = cast
    client.force_login(social)
    assert (
        client.get(reverse("admin:supporters_supporter_changelist")).status_code == 200
    )
    client.post(
        reverse("admin:supporters_supporter_change", args=[alice.pk]),
        {"person": alice.person.pk, "constituency": clp_a.pk, "status": "left"},
    )
    alice.refresh_from_db()
    assert alice.status == Supporter.Status.CONFIRMED


def test_officer_edits_own_offers_but_not_party_wide_ones(
    client, clp_a, clp_b, officer_a, poster
):
    mine = HelpOffer.objects.create(constituency=clp_a, slug="canvass", label="Canvass")
    theirs = HelpOffer.objects.create(constituency=clp_b, slug="bake", label="Bake")
    client.force_login(officer_a)
    response = client.get(reverse("admin:supporters_helpoffer_changelist"))
    assert "Canvass" in response.text
    assert poster.label in response.text  # party-wide: visible to every officer
    assert "Bake" not in response.text
    url = reverse("admin:supporters_helpoffer_change", args=[theirs.pk])
    assert client.get(url).status_code == 404
    client.post(
        reverse("admin:supporters_helpoffer_change", args=[poster.pk]),
        {"label": "Changed", "slug": "poster", "active": "on", "order": 0},
    )
    poster.refresh_from_db()
    assert poster.label != "Changed"
    client.post(
        reverse("admin:supporters_helpoffer_change", args=[mine.pk]),
        {
            "constituency": clp_a.pk,
            "label": "Canvass on Saturdays",
            "slug": "canvass",
            "active": "on",
            "order": 1,
        },
    )
    mine.refresh_from_db()
    assert mine.label == "Canvass on Saturdays"


def test_officer_cannot_add_party_wide_offer(client, officer_a):
    client.force_login(officer_a)
    client.post(
        reverse("admin:supporters_helpoffer_add"),
        {"label": "Everywhere", "slug": "everywhere", "active": "on", "order": 0},
    )
    assert not HelpOffer.objects.filter(slug="everywhere").exists()


def test_unconfirmed_signups_are_scoped_and_read_only(client, clp_a, clp_b, officer_a):
    mine = SignupRequest.objects.create(
        email="mine@example.org", data={}, constituency=clp_a
    )
    theirs = SignupRequest.objects.create(
        email="theirs@example.org", data={}, constituency=clp_b
    )
    client.force_login(officer_a)
    response = client.get(reverse("admin:supporters_signuprequest_changelist"))
    assert "mine@example.org" in response.text
    assert "theirs@example.org" not in response.text
    url = reverse("admin:supporters_signuprequest_change", args=[theirs.pk])
    assert client.get(url).status_code == 404
    own = reverse("admin:supporters_signuprequest_change", args=[mine.pk])
    assert client.get(own).status_code == 200
    client.post(own, {"email": "changed@example.org"})
    mine.refresh_from_db()
    assert mine.email == "mine@example.org"


def test_newsletter_segment_includes_confirmed_supporters_with_consent(clp_a, clp_b):
    def supporter(status, consent=True, clp=clp_a):
        s = make_supporter(clp, status=status)
        if consent:
            consent_record(
                person=s.person,
                channel=Channel.EMAIL,
                granted=True,
                method=Method.SIGNUP_FORM,
                wording="Yes, email me.",
            )
        return s.person

    confirmed = supporter(Supporter.Status.CONFIRMED)
    no_consent = supporter(Supporter.Status.CONFIRMED, consent=False)
    pending = supporter(Supporter.Status.PENDING)
    left = supporter(Supporter.Status.LEFT)
    elsewhere = supporter(Supporter.Status.CONFIRMED, clp=clp_b)
    member = factories.MembershipFactory(
        person=factories.PersonFactory(constituency=clp_a)
    ).person
    segment = Segment.objects.create(
        constituency=clp_a,
        name="Newsletter",
        criteria={"member_status": ["current"], "supporters_confirmed": True},
    )
    people = segment_people(constituency=clp_a, criteria_values=segment.criteria)
    assert set(people) == {confirmed, no_consent, member}
    emailable = set(contactable(people, channel=Channel.EMAIL, topic="newsletter"))
    assert emailable == {confirmed}
    assert not {pending, left, elsewhere} & set(people)


def test_segment_offer_field_offers_own_and_party_wide_help(clp_a, clp_b, officer_a):
    from partyhub.comms.segments import get_criterion

    mine = HelpOffer.objects.create(constituency=clp_a, slug="canvass", label="C")
    theirs = HelpOffer.objects.create(constituency=clp_b, slug="bake", label="B")
    field = get_criterion("supporter_offers").field(officer_a)
    choices = set(field.queryset)
    assert mine in choices
    assert theirs not in choices
    assert HelpOffer.objects.get(slug="poster", constituency=None) in choices


@pytest.mark.parametrize(
    "model", ["supporter", "helpoffer", "signuprequest", "ask", "prizedraw"]
)
@pytest.mark.parametrize("who", ["officer_a", "superuser"])
def test_admin_pages_open(client, request, cast, model, who):
    client.force_login(request.getfixturevalue(who))
    listing = client.get(reverse(f"admin:supporters_{model}_changelist"))
    assert listing.status_code == 200
    add = client.get(reverse(f"admin:supporters_{model}_add"))
    assert add.status_code == (403 if model == "signuprequest" else 200)


def test_supporter_page_offers_party_wide_and_own_help(
    client, clp_a, clp_b, officer_a, cast
):
    alice, _bob = cast
    HelpOffer.objects.create(constituency=clp_a, slug="canvass", label="Canvass A")
    HelpOffer.objects.create(constituency=clp_b, slug="bake", label="Bake B")
    client.force_login(officer_a)
    page = client.get(reverse("admin:supporters_supporter_change", args=[alice.pk]))
    assert "Canvass A" in page.text
    assert "Bake B" not in page.text
    assert "Display a poster" in page.text
