"""Phone banking: lists from a segment with only callable people, two callers
never ring the same person, "do not call" reaches the consent ledger and keeps
people off future lists, progress by outcome in the admin."""

import datetime
import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.models import CallList, CallListEntry, CallOutcome
from campaigns.services import (
    CampaignsError,
    call_list_build,
    call_list_progress,
    call_outcome_record,
    calls_reserve,
)
from partyhub.audit.models import AuditEntry
from partyhub.comms.consent import consent_record, current_consents
from partyhub.comms.models import Channel, Method, Segment
from tests import factories


def _phone_people(clp, n, **kwargs):
    return [
        factories.PersonFactory(constituency=clp, phone=f"0121 496 {i:04d}", **kwargs)
        for i in range(n)
    ]


@pytest.fixture
def segment(clp_a):
    return Segment.objects.create(constituency=clp_a, name="Everyone", criteria={})


@pytest.fixture
def call_list(clp_a, segment):
    return CallList.objects.create(
        constituency=clp_a,
        name="Library calls",
        segment=segment,
        status=CallList.Status.OPEN,
        script="Hello, I'm calling from the local Labour party…",
    )


@pytest.fixture
def callers(clp_a):
    return factories.member_user(clp_a), factories.member_user(clp_a)


def test_list_has_only_people_with_a_phone_who_may_be_called(
    clp_a, clp_b, call_list, officer_a
):
    phone, mobile_only = (
        _phone_people(clp_a, 1)[0],
        factories.PersonFactory(constituency=clp_a, mobile="07700 900123"),
    )
    factories.PersonFactory(constituency=clp_a)  # no number
    no_calls, nothing_at_all = _phone_people(clp_a, 2)
    consent_record(
        person=no_calls, channel=Channel.PHONE, granted=False, method=Method.PORTAL
    )
    consent_record(
        person=nothing_at_all, channel=Channel.ANY, granted=False, method=Method.PORTAL
    )
    _phone_people(clp_b, 1)  # another constituency

    assert call_list_build(call_list=call_list, actor=officer_a) == 2
    entries = {e.person_id: e.phone for e in call_list.entries.all()}
    assert entries == {phone.pk: phone.phone, mobile_only.pk: "07700 900123"}
    # Building again adds nobody twice.
    assert call_list_build(call_list=call_list, actor=officer_a) == 0
    assert AuditEntry.objects.filter(action="call_list.build").count() == 2


def test_two_callers_reserving_in_turn_never_get_the_same_person(
    clp_a, call_list, callers, officer_a
):
    _phone_people(clp_a, 7)
    call_list_build(call_list=call_list, actor=officer_a)
    first = calls_reserve(call_list=call_list, caller=callers[0], count=5)
    second = calls_reserve(call_list=call_list, caller=callers[1], count=5)
    assert len(first) == 5 and len(second) == 2
    assert not {e.person_id for e in first} & {e.person_id for e in second}
    # Asking again tops up to the same numbers, never someone else's.
    again = calls_reserve(call_list=call_list, caller=callers[0], count=5)
    assert [e.pk for e in again] == [e.pk for e in first]


def test_someone_on_two_lists_is_not_rung_from_both_at_once(
    clp_a, call_list, segment, callers, officer_a
):
    _phone_people(clp_a, 4)
    other = CallList.objects.create(
        constituency=clp_a, name="Survey calls", segment=segment, status="open"
    )
    call_list_build(call_list=call_list, actor=officer_a)
    call_list_build(call_list=other, actor=officer_a)
    first = calls_reserve(call_list=call_list, caller=callers[0], count=3)
    second = calls_reserve(call_list=other, caller=callers[1], count=3)
    assert len(first) == 3 and len(second) == 1
    assert not {e.person_id for e in first} & {e.person_id for e in second}


@pytest.mark.django_db(transaction=True)
def test_two_callers_at_the_same_moment_never_get_the_same_person(clp_a):
    segment = Segment.objects.create(constituency=clp_a, name="All", criteria={})
    call_list = CallList.objects.create(
        constituency=clp_a, name="Calls", segment=segment, status="open"
    )
    caller_1, caller_2 = factories.member_user(clp_a), factories.member_user(clp_a)
    _phone_people(clp_a, 6)
    call_list_build(call_list=call_list, actor=None)

    taken_1: list[int] = []
    first_holds_locks = threading.Event()
    second_done = threading.Event()

    def first_caller():
        try:
            # The first caller's transaction stays open (rows locked, reservation
            # not yet committed) while the second caller reserves.
            with transaction.atomic():
                taken_1.extend(
                    e.person_id
                    for e in calls_reserve(
                        call_list=call_list, caller=caller_1, count=3
                    )
                )
                first_holds_locks.set()
                second_done.wait(timeout=10)
        finally:
            first_holds_locks.set()
            connection.close()

    thread = threading.Thread(target=first_caller)
    thread.start()
    assert first_holds_locks.wait(timeout=10)
    taken_2 = [
        e.person_id
        for e in calls_reserve(call_list=call_list, caller=caller_2, count=3)
    ]
    second_done.set()
    thread.join(timeout=10)

    assert len(taken_1) == 3 and len(taken_2) == 3
    assert not set(taken_1) & set(taken_2)
    assert CallListEntry.objects.filter(reserved_by=caller_1).count() == 3
    assert CallListEntry.objects.filter(reserved_by=caller_2).count() == 3


@pytest.mark.django_db(transaction=True)
def test_callers_on_two_lists_at_the_same_moment_never_get_the_same_person(clp_a):
    segment = Segment.objects.create(constituency=clp_a, name="All", criteria={})
    lists = [
        CallList.objects.create(
            constituency=clp_a, name=name, segment=segment, status="open"
        )
        for name in ("Library calls", "Survey calls")
    ]
    caller_1, caller_2 = factories.member_user(clp_a), factories.member_user(clp_a)
    _phone_people(clp_a, 4)
    for call_list in lists:
        call_list_build(call_list=call_list, actor=None)

    taken_1: list[int] = []
    first_holds_locks = threading.Event()
    second_done = threading.Event()

    def first_caller():
        try:
            with transaction.atomic():
                taken_1.extend(
                    e.person_id
                    for e in calls_reserve(call_list=lists[0], caller=caller_1, count=3)
                )
                first_holds_locks.set()
                second_done.wait(timeout=10)
        finally:
            first_holds_locks.set()
            connection.close()

    thread = threading.Thread(target=first_caller)
    thread.start()
    assert first_holds_locks.wait(timeout=10)
    taken_2 = [
        e.person_id for e in calls_reserve(call_list=lists[1], caller=caller_2, count=3)
    ]
    second_done.set()
    thread.join(timeout=10)

    assert len(taken_1) == 3 and len(taken_2) == 1
    assert not set(taken_1) & set(taken_2)


def test_do_not_call_goes_to_the_ledger_and_off_future_lists(
    clp_a, call_list, callers, segment, officer_a
):
    person = _phone_people(clp_a, 1)[0]
    call_list_build(call_list=call_list, actor=officer_a)
    (entry,) = calls_reserve(call_list=call_list, caller=callers[0])
    call_outcome_record(entry=entry, caller=callers[0], outcome=CallOutcome.DO_NOT_CALL)
    assert current_consents(person)[(Channel.PHONE, "")] is False

    later = CallList.objects.create(
        constituency=clp_a, name="Next month", segment=segment, status="open"
    )
    assert call_list_build(call_list=later, actor=officer_a) == 0
    assert not later.entries.exists()


def test_only_the_caller_holding_a_number_records_it(
    clp_a, call_list, callers, officer_a
):
    _phone_people(clp_a, 1)
    call_list_build(call_list=call_list, actor=officer_a)
    (entry,) = calls_reserve(call_list=call_list, caller=callers[0])
    with pytest.raises(CampaignsError):
        call_outcome_record(entry=entry, caller=callers[1], outcome="answered")
    call_outcome_record(entry=entry, caller=callers[0], outcome="answered")
    with pytest.raises(CampaignsError):
        call_outcome_record(entry=entry, caller=callers[0], outcome="no_answer")
    assert call_list_progress(call_list)["answered"] == 1


def test_caller_works_through_the_list_on_the_phone_page(
    client, clp_a, call_list, callers, officer_a
):
    person = _phone_people(clp_a, 1)[0]
    call_list_build(call_list=call_list, actor=officer_a)
    client.force_login(callers[0])
    page = client.get(reverse("campaigns:call_lists"))
    assert "Library calls" in page.text and "1 person still to call" in page.text
    client.post(reverse("campaigns:call_reserve", args=[call_list.pk]))
    page = client.get(reverse("campaigns:call_list", args=[call_list.pk]))
    assert f'href="tel:{person.phone}"' in page.text
    assert "calling from the local Labour party" in page.text
    entry = CallListEntry.objects.get()
    bad = client.post(reverse("campaigns:call_outcome", args=[entry.pk]), {})
    assert bad.status_code == 400 and "This field is required" in bad.text
    client.post(
        reverse("campaigns:call_outcome", args=[entry.pk]),
        {f"e{entry.pk}-outcome": "wrong_number", f"e{entry.pk}-notes": "A shop"},
    )
    entry.refresh_from_db()
    assert (entry.outcome, entry.notes, entry.called_by) == (
        "wrong_number",
        "A shop",
        callers[0],
    )


def test_members_of_another_constituency_cannot_call(client, clp_b, call_list):
    outsider = factories.member_user(clp_b)
    client.force_login(outsider)
    assert "Library calls" not in client.get(reverse("campaigns:call_lists")).text
    url = reverse("campaigns:call_list", args=[call_list.pk])
    assert client.get(url).status_code == 404
    reserve = reverse("campaigns:call_reserve", args=[call_list.pk])
    assert client.post(reserve).status_code == 404
    assert not CallListEntry.objects.filter(reserved_by=outsider).exists()


def test_admin_shows_progress_by_outcome_scoped_without_n_plus_1(
    client, clp_a, clp_b, call_list, callers, officer_a, officer_b
):
    _phone_people(clp_a, 3)
    call_list_build(call_list=call_list, actor=officer_a)
    first, second, _third = calls_reserve(call_list=call_list, caller=callers[0])
    call_outcome_record(entry=first, caller=callers[0], outcome="answered")
    call_outcome_record(entry=second, caller=callers[0], outcome="no_answer")
    for n in range(3):
        CallList.objects.create(constituency=clp_a, name=f"Extra {n}")
    CallList.objects.create(constituency=clp_b, name="Reading calls")

    client.force_login(officer_a)
    url = reverse("admin:campaigns_calllist_changelist")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        page = client.get(url)
    CallList.objects.create(constituency=clp_a, name="One more")
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(few)
    assert "Library calls" in page.text and "Reading calls" not in page.text

    change = client.get(reverse("admin:campaigns_calllist_change", args=[call_list.pk]))
    assert "<dt>Answered</dt><dd>1</dd>" in change.text
    assert "<dt>No answer</dt><dd>1</dd>" in change.text
    assert "<dt>Still to call</dt><dd>1</dd>" in change.text
    client.force_login(officer_b)
    other = client.get(reverse("admin:campaigns_calllist_change", args=[call_list.pk]))
    assert other.status_code == 404


def test_a_lapsed_reservation_goes_back_to_the_pool(
    clp_a, call_list, callers, officer_a
):
    _phone_people(clp_a, 1)
    call_list_build(call_list=call_list, actor=officer_a)
    (entry,) = calls_reserve(call_list=call_list, caller=callers[0])
    assert calls_reserve(call_list=call_list, caller=callers[1]) == []
    # The first caller walked away: their reservation lapses.
    CallListEntry.objects.filter(pk=entry.pk).update(
        reserved_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    (taken,) = calls_reserve(call_list=call_list, caller=callers[1])
    assert taken.pk == entry.pk
    with pytest.raises(CampaignsError):
        call_outcome_record(entry=entry, caller=callers[0], outcome="answered")
    call_outcome_record(entry=entry, caller=callers[1], outcome="answered")
