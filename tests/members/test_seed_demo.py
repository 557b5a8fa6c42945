"""The demo: two constituencies to click through, built the same way every time."""

import io

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.management import CommandError, call_command
from django.urls import reverse

from members.demo.data import DEMO_PASSWORD, ORGANISER_EMAIL
from members.demo.postcodes import POSTCODE_FILE, render
from members.demo.seed import DEMO_TOTP_SECRET
from members.models import (
    Branch,
    Constituency,
    ElectedRepresentative,
    Membership,
    Office,
    Person,
    Postcode,
    Ward,
)
from partyhub.accounts.models import User
from tests.factories import totp_code

OFFICER_LOGINS = [
    f"{who}@{clp}.example.org"
    for clp in ("hodgehill", "readingwest")
    for who in ("chair", "secretary", "membership", "social")
]
MEMBER_LOGINS = ["member@hodgehill.example.org", "member@readingwest.example.org"]


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", force=True, stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {m._meta.label: m._base_manager.count() for m in apps.get_models()}


@pytest.fixture
def seeded(seeded_demo, db) -> str:
    """The module's one demo (tests/conftest.py); each test's changes are undone."""
    return seeded_demo


def test_seed_demo_refuses_without_debug(db, settings):
    settings.DEBUG = False
    before = _counts()
    with pytest.raises(CommandError, match="published password"):
        call_command("seed_demo", stdout=io.StringIO())
    assert _counts() == before  # nothing at all when it runs first, on an empty db


def test_seed_demo_builds_two_constituencies_with_wards_and_branches(seeded):
    assert set(Constituency.objects.values_list("slug", flat=True)) == {
        "birmingham-hodge-hill",
        "reading-west",
    }
    for clp in Constituency.objects.all():
        assert clp.ons_code.startswith("E14")
        assert clp.postal_address
        assert clp.contact_email.endswith("example.org")
        assert clp.description
        assert 4 <= clp.wards.count() <= 5
        assert 2 <= clp.branches.count() <= 3
        assert all(w.ons_code.startswith("E05") for w in clp.wards.all())
    assert set(
        Ward.objects.filter(constituency__slug="reading-west").values_list(
            "name", flat=True
        )
    ) == {"Battle", "Kentwood", "Norcot", "Southcote", "Tilehurst"}
    # Every ward is covered by a branch.
    assert not Ward.objects.filter(branches=None).exists()
    assert Branch.objects.filter(wards=None).count() == 0


def test_seed_demo_people_are_placed_by_the_postcode_lookup(seeded):
    people = Person.objects.exclude(constituency=None)
    assert people.count() >= 300
    assert Postcode.objects.count() >= 200
    placed = people.exclude(ward=None)
    assert placed.count() >= 300
    for person in placed[:50]:
        row = Postcode.objects.get(postcode=person.postcode)
        assert (row.ward_id, row.constituency_id) == (
            person.ward_id,
            person.constituency_id,
        )
    # A few postcodes the lookup does not know, for the officers to look at.
    assert 0 < sum(p.postcode_unplaced for p in people) < 10
    # Some people have no email (labels and letters later).
    assert Person.objects.filter(email="").count() >= 10
    # Except the record erased on request: only its shell is left.
    assert all(p.address_line_1 and p.town for p in people if not p.erased_at)


def test_seed_demo_members_in_every_status(seeded):
    for clp in Constituency.objects.all():
        statuses = set(
            Membership.objects.filter(constituency=clp).values_list("status", flat=True)
        )
        assert statuses == set(Membership.Status.values)
    numbers = list(Membership.objects.values_list("membership_number", flat=True))
    assert len(numbers) == len(set(numbers)) >= 200
    assert Membership.objects.exclude(trade_union="").exists()
    assert Membership.objects.exclude(branch=None).count() > 200
    # Branch matches the member's ward.
    for membership in Membership.objects.exclude(branch=None).select_related(
        "person", "branch"
    )[:50]:
        assert membership.branch.wards.filter(pk=membership.person.ward_id).exists()


def test_seed_demo_offices_and_representatives(seeded):
    for clp in Constituency.objects.all():
        roles = set(
            Office.objects.current()
            .filter(constituency=clp, branch=None)
            .values_list("role", flat=True)
        )
        assert {"chair", "secretary", "membership_secretary", "social_secretary"} <= (
            roles
        )
        representatives = ElectedRepresentative.objects.filter(constituency=clp)
        assert representatives.filter(role="mp").count() == 1
        councillors = representatives.filter(role="councillor")
        assert councillors.exists()
        assert all(c.wards.exists() for c in councillors)


@pytest.mark.parametrize("email", OFFICER_LOGINS)
def test_officer_login_opens_admin(seeded, client, email):
    user = User.objects.get(email=email)
    assert user.person.offices.current().exists()
    assert not user.is_staff  # the office opens the admin, not a flag
    client.force_login(user)
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize("email", MEMBER_LOGINS)
def test_member_login_does_not_open_admin(seeded, client, email):
    user = User.objects.get(email=email)
    assert user.person.memberships.get().status == Membership.Status.CURRENT
    client.force_login(user)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.status_code == 403
    assert client.get(reverse("admin:members_person_changelist")).status_code != 200


def test_organiser_is_superuser_and_sees_every_constituency(seeded, client):
    user = User.objects.get(email=ORGANISER_EMAIL)
    assert user.is_superuser
    client.force_login(user)
    response = client.get(reverse("admin:members_constituency_changelist"))
    assert response.status_code == 200
    assert "Birmingham Hodge Hill" in response.text
    assert "Reading West" in response.text


@pytest.mark.parametrize(
    "email", [ORGANISER_EMAIL, OFFICER_LOGINS[1], MEMBER_LOGINS[1]]
)
def test_demo_login_works_with_the_demo_password(seeded, client, email):
    # allauth's mandatory verification lets these in: their address is verified.
    address = EmailAddress.objects.get(email=email)
    assert address.verified and address.primary
    response = client.post(
        reverse("account_login"), {"login": email, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    if email != MEMBER_LOGINS[1]:  # officers and the organiser: two-factor next
        assert response.url == reverse("mfa_authenticate")
        response = client.post(
            reverse("mfa_authenticate"), {"code": totp_code(DEMO_TOTP_SECRET)}
        )
    assert response.url == "/"
    assert client.get("/").wsgi_request.user.email == email


def test_seed_demo_prints_logins_password_and_urls(seeded):
    for email in [ORGANISER_EMAIL, *OFFICER_LOGINS, *MEMBER_LOGINS]:
        assert email in seeded
    assert DEMO_PASSWORD in seeded
    assert "http://127.0.0.1:8000/" in seeded
    assert "http://127.0.0.1:8000/admin/" in seeded


def test_every_login_has_a_person_and_a_verified_address(seeded):
    for user in User.objects.all():
        assert user.person.email == user.email
        assert EmailAddress.objects.filter(
            user=user, email=user.email, verified=True, primary=True
        ).exists()


def test_seed_demo_twice_changes_no_count(seeded):
    before = _counts()
    _seed()
    assert _counts() == before


def test_seed_demo_puts_changed_demo_data_back(seeded):
    office = Office.objects.filter(role="secretary", branch=None).first()
    office.ends = office.starts
    office.save()
    membership = Membership.objects.order_by("membership_number").first()
    status = membership.status
    Membership.objects.filter(pk=membership.pk).update(
        status="resigned", joined="1990-01-01"
    )
    before = _counts()

    _seed()

    office.refresh_from_db()
    membership.refresh_from_db()
    assert office.ends is None
    assert membership.status == status
    assert _counts() == before


def test_demo_postcode_file_is_reproducible():
    assert POSTCODE_FILE.read_text(encoding="utf-8") == render()


def test_demo_has_consent_for_most_people_and_a_segment_to_message(seeded):
    from partyhub.comms.consent import contactable
    from partyhub.comms.models import Message, Segment
    from partyhub.comms.segments import segment_people

    with_email = Person.objects.exclude(email="")
    can_email = contactable(with_email)
    assert 0 < can_email.count() < with_email.count()
    for constituency in Constituency.objects.all():
        segment = Segment.objects.get(constituency=constituency, name="Current members")
        people = segment_people(
            constituency=constituency, criteria_values=segment.criteria
        )
        assert contactable(people).exists()
        assert Message.objects.filter(
            constituency=constituency, status="draft"
        ).exists()
