"""Duplicates and merge (issue 14, item 4): the likely duplicates of a CLP, and a
merge that keeps every booking, signature, consent and membership on the survivor,
resolving clashes without losing them."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Signature
from events.models import Booking
from members.models import Membership, Person
from partyhub.audit.models import AuditEntry
from partyhub.comms.models import ConsentEvent, ConsentState
from partyhub.personal_data.models import MergeRecord
from tests import factories
from tests.events.conftest import make_event
from tests.personal_data.conftest import rich_person


@pytest.fixture
def twins(clp_a, officer_a):
    """One human twice: an old record from a signup and a new one from an import."""
    old = rich_person(
        clp_a, officer_a, first="Marigold", last="Twiceley", tag="a",
        email="marigold.twiceley@example.net", phone="07700 900111",
    )  # fmt: skip
    new = rich_person(
        clp_a, officer_a, first="Marigold", last="Twiceley", tag="b",
        email="m.twiceley@example.net", phone="07700 900111",
    )  # fmt: skip
    # Both booked on one event and signed one petition: only one of each can stay.
    event = make_event(clp_a, title="Shared quiz")
    Booking.objects.create(event=event, person=old, status="yes", source="portal")
    Booking.objects.create(event=event, person=new, status="yes", source="portal")
    petition = Signature.objects.filter(person=old).get().petition
    Signature.objects.create(petition=petition, person=new, source="paper")
    # An old consent date must survive the merge.
    ConsentEvent.objects.filter(person=old).update(
        at=timezone.now() - datetime.timedelta(days=900)
    )
    return old, new


def test_likely_duplicates_lists_the_pair_with_why(client, officer_a, officer_b, twins):
    old, new = twins
    url = reverse("admin:personal_data_mergerecord_duplicates")
    client.force_login(officer_a)
    page = client.get(url).content.decode()
    assert "same name and postcode" in page and "same phone number" in page
    assert (
        reverse("admin:personal_data_mergerecord_merge", args=[old.pk, new.pk]) in page
    )
    client.force_login(officer_b)
    assert "Twiceley" not in client.get(url).content.decode()


def test_merge_keeps_everything_on_the_survivor(client, officer_a, twins):
    old, new = twins
    counts = {
        "bookings": Booking.objects.filter(person__in=twins).count(),
        "signatures": Signature.objects.filter(person__in=twins).count(),
        "consents": ConsentEvent.objects.filter(person__in=twins).count(),
        "memberships": Membership.objects.filter(person__in=twins).count(),
    }
    old_dates = sorted(
        ConsentEvent.objects.filter(person__in=twins).values_list("at", flat=True)
    )
    url = reverse("admin:personal_data_mergerecord_merge", args=[old.pk, new.pk])
    client.force_login(officer_a)
    page = client.get(url).content.decode()
    assert "m.twiceley@example.net" in page and "marigold.twiceley@example.net" in page
    response = client.post(url, {"field-email": "other", "field-first_name": "mine"})
    assert response.status_code == 302

    assert not Person.objects.filter(pk=new.pk).exists()
    old.refresh_from_db()
    assert old.email == "m.twiceley@example.net"  # picked from the other record
    assert Membership.objects.filter(person=old).count() == counts["memberships"] == 2
    assert ConsentEvent.objects.filter(person=old).count() == counts["consents"]
    assert (
        sorted(ConsentEvent.objects.filter(person=old).values_list("at", flat=True))
        == old_dates
    )
    # Two bookings of the shared event and two signatures of one petition: one each
    # stays (the earlier), the other is written into the merge record.
    assert Booking.objects.filter(person=old).count() == counts["bookings"] - 1
    assert Signature.objects.filter(person=old).count() == counts["signatures"] - 1
    record = MergeRecord.objects.get()
    assert record.merged_person_id == new.pk
    assert record.merged["email"] == "m.twiceley@example.net"
    clashes = {c["model"] for c in record.conflicts}
    assert {"events.Booking", "campaigns.Signature", "comms.ConsentState"} <= clashes
    assert ConsentState.objects.filter(person=old).count() == 2  # email, phone
    entry = AuditEntry.objects.get(action="person.merged")
    assert entry.actor == officer_a and entry.detail["merged"] == new.pk
    assert (
        "Marigold Twiceley"
        in client.get(
            reverse("admin:personal_data_mergerecord_change", args=[record.pk])
        ).content.decode()
    )


def test_merge_is_scoped_and_needs_the_right(client, clp_a, officer_b, twins):
    old, new = twins
    url = reverse("admin:personal_data_mergerecord_merge", args=[old.pk, new.pk])
    client.force_login(officer_b)
    assert client.get(url).status_code == 404
    treasurer = factories.officer(clp_a, role="treasurer")
    client.force_login(treasurer)
    assert client.get(url).status_code == 403
    no_2fa = factories.officer(clp_a, role="secretary", two_factor=False)
    client.force_login(no_2fa)
    assert client.post(url, {}).status_code in (302, 403)
    member = factories.member_user(clp_a)
    client.force_login(member)
    assert client.post(url, {}).status_code in (302, 403)
    client.logout()
    assert client.post(url, {}).status_code == 302
    assert Person.objects.filter(pk__in=[old.pk, new.pk]).count() == 2
    assert not MergeRecord.objects.exists()
