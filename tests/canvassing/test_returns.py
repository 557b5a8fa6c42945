"""Doorstep returns: never lost, never counted twice, the latest answer wins;
joining goes through the supporters' double opt-in."""

from __future__ import annotations

import datetime
import threading
import uuid

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from canvassing.models import DoorstepReturn, Elector
from canvassing.selectors import results
from canvassing.services import ReturnData, return_record
from members.models import Person
from supporters.models import SignupRequest


def _post(client, elector, key, answer="ours", **extra):
    return client.post(
        reverse("canvassing:return"),
        {"elector": elector.pk, "key": str(key), "answer": answer, **extra},
        HTTP_ACCEPT="application/json",
    )


def test_the_same_return_sent_twice_counts_once(client, district_a, lead_a):
    client.force_login(lead_a)
    elector = Elector.objects.get(number="1")
    key = uuid.uuid4()
    first = _post(client, elector, key)
    again = _post(client, elector, key)
    assert first.json() == {"ok": True, "recorded": True, "answer": "Our party"}
    assert again.json()["recorded"] is False
    assert DoorstepReturn.objects.count() == 1
    wards = results(district_a.constituency_id)["wards"]
    assert (wards[0].contacted, wards[0].counts["ours"]) == (1, 1)


def test_a_plain_form_without_script_is_recorded_too(client, district_a, lead_a):
    client.force_login(lead_a)
    elector = Elector.objects.get(number="3")
    response = client.post(
        reverse("canvassing:return"),
        {"prefix": "e1", "e1-elector": elector.pk, "e1-key": str(uuid.uuid4()),
         "e1-answer": "undecided", "e1-issues": "Potholes"},
        follow=True,
    )  # fmt: skip
    assert b"Saved: Brown" in response.content
    assert DoorstepReturn.objects.get().issues == "Potholes"


def test_a_late_offline_answer_does_not_overwrite_a_newer_one(district_a, lead_a):
    elector = Elector.objects.get(number="4")
    now = timezone.now()
    return_record(
        elector=elector,
        data=ReturnData(key=uuid.uuid4(), answer="ours", recorded_at=now),
        actor=lead_a,
    )
    # Recorded an hour earlier on a phone with no signal, sent only now.
    return_record(
        elector=elector,
        data=ReturnData(
            key=uuid.uuid4(), answer="undecided",
            recorded_at=now - datetime.timedelta(hours=1),
        ),
        actor=lead_a,
    )  # fmt: skip
    elector.refresh_from_db()
    assert elector.intention == "ours"
    assert DoorstepReturn.objects.filter(elector=elector).count() == 2


def test_not_in_is_a_knock_not_a_contact(district_a, lead_a):
    elector = Elector.objects.get(number="6")
    return_record(
        elector=elector,
        data=ReturnData(key=uuid.uuid4(), answer="not_in"),
        actor=lead_a,
    )
    elector.refresh_from_db()
    assert elector.knocked_at is not None
    assert elector.contacted_at is None
    assert results(district_a.constituency_id)["wards"][0].contacted == 0


def test_wanting_to_join_asks_them_to_confirm_by_email(district_a, lead_a):
    people = Person.objects.count()
    return_record(
        elector=Elector.objects.get(number="3"),
        data=ReturnData(
            key=uuid.uuid4(), answer="ours", wants_to_join=True,
            email="cath.brown@example.org",
        ),
        actor=lead_a,
    )  # fmt: skip
    request = SignupRequest.objects.get()
    assert request.email == "cath.brown@example.org"
    assert request.data["last_name"] == "Brown"
    assert request.confirmed_at is None
    assert Person.objects.count() == people  # nobody until they confirm


@pytest.mark.django_db(transaction=True)
def test_two_canvassers_at_once_and_a_retry_racing_count_once(clp_a, ward_a, officer_a):
    """Two phones send at the same moment: one the same answer twice (a retry
    racing the first try), the other a different elector. Each answer is kept
    once and every elector's record is right."""
    from canvassing.models import PollingDistrict
    from canvassing.services import register_import
    from tests.canvassing.conftest import SMALL, register_csv

    district = PollingDistrict.objects.create(constituency=clp_a, code="HA1")
    register_import(
        district=district, data=register_csv(SMALL), update=False, actor=officer_a
    )
    one, two = Elector.objects.get(number="1"), Elector.objects.get(number="8")
    shared_key = uuid.uuid4()
    jobs = [
        (one, shared_key, "ours"),
        (one, shared_key, "ours"),
        (two, uuid.uuid4(), "other"),
        (one, uuid.uuid4(), "ours"),
    ]
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def send(elector, key, answer):
        try:
            barrier.wait()
            return_record(
                elector=elector, data=ReturnData(key=key, answer=answer), actor=None
            )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert DoorstepReturn.objects.filter(key=shared_key).count() == 1
    assert DoorstepReturn.objects.filter(elector=one).count() == 2
    assert DoorstepReturn.objects.filter(elector=two).count() == 1
    assert results(clp_a.pk)["wards"][0].contacted == 2


def test_the_phone_page_loads_the_offline_queue(client, district_a, lead_a):
    from canvassing.services import walks_create

    (walk,) = walks_create(
        constituency=district_a.constituency,
        district=district_a,
        target="all",
        size=50,
        actor=lead_a,
    )
    client.force_login(lead_a)
    page = client.get(reverse("canvassing:walk", args=[walk.pk]))
    content = page.content.decode()
    assert "canvassing/doorstep.js" in content
    assert "<script>" not in content  # nothing inline: the CSP forbids it
    assert 'for="id_e' in content and "Our party" in content
    assert page["Cache-Control"] == "no-store"


def test_doorstep_contacts_count_towards_the_campaigns_targets(
    client, district_a, ward_a, lead_a
):
    from campaigns.models import Campaign, Measure, Target
    from campaigns.services import target_progress

    clp = district_a.constituency
    campaign = Campaign.objects.create(
        name="Spring doorstep", starts=timezone.localdate() - datetime.timedelta(days=7)
    )
    campaign.constituencies.add(clp)
    by = timezone.localdate() + datetime.timedelta(days=30)
    contacts = Target.objects.create(
        campaign=campaign, measure=Measure.CONTACTS, ward=ward_a, number=10, by=by
    )
    doors = Target.objects.create(
        campaign=campaign, measure=Measure.DOORS, number=10, by=by
    )
    for number, answer in (("1", "ours"), ("2", "other"), ("3", "not_in")):
        return_record(
            elector=Elector.objects.get(number=number),
            data=ReturnData(key=uuid.uuid4(), answer=answer),
            actor=lead_a,
        )
    assert target_progress(contacts).done == 2  # "not in" is no contact
    assert target_progress(doors).done == 2  # Ann and Bob share a door
    client.force_login(lead_a)
    page = client.get(reverse("canvassing:results", args=[clp.slug]))
    assert b"2 of 10 electors spoken to" in page.content
