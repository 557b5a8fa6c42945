"""Erasure that erases (issue 14, item 3): a member asks; an officer reviews and
approves; after the worker runs nothing in the database names them, counts on
events and petitions are unchanged, and a re-import of the national file does not
bring them back without an officer's decision."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection, models
from django.urls import reverse

from campaigns.models import Signature
from events.models import Booking
from members.models import Membership, Person
from partyhub.audit.models import AuditEntry
from partyhub.comms.models import ConsentEvent
from partyhub.personal_data import services
from partyhub.personal_data.models import DataRequest, Suppression
from partyhub.personal_data.tasks import carry_out_erasure
from tests import factories
from tests.personal_data.conftest import EMAIL, NAME, PHONE


def _text_columns():
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(
                field, models.CharField | models.TextField | models.JSONField
            ):
                yield model._meta.db_table, field.column


def _tables_naming(*needles: str) -> list[tuple[str, str, str]]:
    """Every text column of every table, searched for each needle."""
    found = []
    with connection.cursor() as cursor:
        for table, column in _text_columns():
            for needle in needles:
                cursor.execute(
                    f'SELECT COUNT(*) FROM "{table}" WHERE "{column}"::text ILIKE %s',  # noqa: S608
                    [f"%{needle}%"],
                )
                if cursor.fetchone()[0]:
                    found.append((table, column, needle))
    return found


def _erase(client, officer, person, *, keep=None, capture=None):
    request = services.data_request_create(
        person=person, kind=DataRequest.Kind.ERASURE, actor=person.user,
        reason=f"Please forget me, {NAME[0]}",
    )  # fmt: skip
    client.force_login(officer)
    url = reverse("admin:personal_data_datarequest_erasure", args=[request.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Petition signatures" in page.content.decode()
    data = {}
    for label, reason in (keep or {}).items():
        data[f"keep-{label}"] = "1"
        data[f"reason-{label}"] = reason
    with capture(execute=False) as callbacks:
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert callbacks, "the erasure is enqueued after commit"
    request.refresh_from_db()
    assert request.status == DataRequest.Status.APPROVED
    return request


def test_erasure_leaves_nothing_that_names_them_and_keeps_the_counts(
    client, clp_a, officer_a, zebedee, mailoutbox, django_capture_on_commit_callbacks
):
    person = zebedee
    booking_counts = Booking.objects.count()
    signature_counts = Signature.objects.count()
    assert _tables_naming(NAME[1], EMAIL, PHONE)  # the test can see them at all

    request = _erase(
        client, officer_a, person, capture=django_capture_on_commit_callbacks
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert carry_out_erasure.apply(args=[request.pk]).get() is True
    with django_capture_on_commit_callbacks(execute=True):
        assert carry_out_erasure.apply(args=[request.pk]).get() is False  # idempotent

    assert _tables_naming(NAME[1], EMAIL, PHONE, "Zebedee") == []
    assert Booking.objects.count() == booking_counts
    assert Signature.objects.count() == signature_counts
    person.refresh_from_db()
    assert person.erased_at is not None
    assert person.user_id is None
    request.refresh_from_db()
    assert request.status == DataRequest.Status.DONE
    done = {item["model"]: item["action"] for item in request.outcome}
    assert done["comms.ConsentEvent"] == "deleted"
    assert done["campaigns.Signature"] == "kept"
    assert done["members.Person"] == "erased"
    assert Suppression.objects.count() >= 2  # the address and the membership number
    # The person is told, at the address they had.
    assert [m.to for m in mailoutbox] == [[EMAIL]]
    assert "erased" in mailoutbox[0].body
    assert AuditEntry.objects.filter(action="person.erased").count() == 1


def test_a_login_is_closed_by_erasure(
    client, officer_a, zebedee, django_capture_on_commit_callbacks
):
    user_id = zebedee.user_id
    request = _erase(
        client, officer_a, zebedee, capture=django_capture_on_commit_callbacks
    )
    services.erasure_carry_out(request_id=request.pk)
    user = apps.get_model("accounts", "User").objects.get(pk=user_id)
    assert not user.is_active and not user.has_usable_password()
    assert client.login(email=EMAIL, password=factories.PASSWORD) is False


def test_kept_records_stay_with_the_reason_shown(
    client, officer_a, zebedee, django_capture_on_commit_callbacks
):
    reason = "The national party holds the membership"
    request = _erase(
        client, officer_a, zebedee, keep={"members.Membership": reason},
        capture=django_capture_on_commit_callbacks,
    )  # fmt: skip
    services.erasure_carry_out(request_id=request.pk)
    assert Membership.objects.filter(person=zebedee).count() == 1
    request.refresh_from_db()
    kept = [i for i in request.outcome if i["model"] == "members.Membership"]
    assert kept == [
        {"model": "members.Membership", "describe": "Memberships", "action": "kept",
         "rows": 1, "reason": reason}
    ]  # fmt: skip
    page = client.get(
        reverse("admin:personal_data_datarequest_change", args=[request.pk])
    ).content.decode()
    assert reason in page


def test_keeping_without_a_reason_is_refused_and_changes_nothing(
    client, officer_a, zebedee
):
    request = services.data_request_create(
        person=zebedee, kind=DataRequest.Kind.ERASURE, actor=zebedee.user
    )
    client.force_login(officer_a)
    url = reverse("admin:personal_data_datarequest_erasure", args=[request.pk])
    page = client.post(url, {"keep-members.Membership": "1"})
    assert page.status_code == 200
    assert "Give the reason for keeping these records." in page.content.decode()
    request.refresh_from_db()
    assert request.status == DataRequest.Status.OPEN


def test_a_crash_halfway_is_rolled_back_and_finished_on_retry(
    client, officer_a, zebedee, monkeypatch, django_capture_on_commit_callbacks
):
    from partyhub.personal_data import registry

    request = _erase(
        client, officer_a, zebedee, capture=django_capture_on_commit_callbacks
    )
    entry = registry.entry_for("members.Person")
    original = entry.erase

    def crash(qs, person):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(entry, "erase", crash)
    with pytest.raises(RuntimeError):
        services.erasure_carry_out(request_id=request.pk)
    # Rolled back whole: the consent history deleted before the crash is back.
    assert ConsentEvent.objects.filter(person=zebedee).exists()
    request.refresh_from_db()
    assert request.status == DataRequest.Status.APPROVED
    monkeypatch.setattr(entry, "erase", original)
    assert services.erasure_carry_out(request_id=request.pk) is True
    assert _tables_naming(NAME[1], EMAIL) == []


def test_the_national_file_does_not_bring_them_back(
    client, clp_a, officer_a, zebedee, django_capture_on_commit_callbacks
):
    from members.imports.services import (
        membership_import_apply,
        membership_import_preview,
    )

    number = zebedee.memberships.get().membership_number
    request = _erase(
        client, officer_a, zebedee, capture=django_capture_on_commit_callbacks
    )
    services.erasure_carry_out(request_id=request.pk)
    people = Person.objects.count()
    csv = (
        "Membership Number,First Name,Last Name,Email,Status,Join Date\n"
        f"{number},{NAME[0]},{NAME[1]},{EMAIL},Current,2020-01-01\n"
        f"Q0000999,Ada,Newjoiner,ada.new@example.net,Current,2026-01-01\n"
    ).encode()
    run = membership_import_preview(
        data=csv, file_name="national.csv", constituency=clp_a, actor=officer_a
    )
    assert run.counts["held"] == 1
    assert run.report["held"] == [{"line": 2, "number": number}]
    membership_import_apply(run=run, actor=officer_a)
    assert Person.objects.count() == people + 1  # Ada only
    assert not Person.objects.filter(last_name=NAME[1]).exists()
    page = client.get(reverse("admin:members_importrun_preview", args=[run.pk]))
    assert "erased at their own request" in page.content.decode()


def test_a_supporters_list_does_not_bring_them_back(
    client, clp_a, officer_a, zebedee, django_capture_on_commit_callbacks
):
    from supporters.services import supporters_import

    request = _erase(
        client, officer_a, zebedee, capture=django_capture_on_commit_callbacks
    )
    services.erasure_carry_out(request_id=request.pk)
    people = Person.objects.count()
    report = supporters_import(
        file=f"First Name,Last name,Email\n{NAME[0]},{NAME[1]},{EMAIL.upper()}\n".encode(),
        constituency=clp_a,
        actor=officer_a,
        dry_run=False,
    )
    assert not report.applied
    assert [line for line, _problem in report.errors] == [2]
    assert "erased at their own request" in report.errors[0][1]
    assert Person.objects.count() == people


def test_the_daily_sweep_carries_out_an_erasure_whose_task_was_lost(
    client, officer_a, zebedee, django_capture_on_commit_callbacks
):
    from partyhub.personal_data.tasks import erasures_sweep

    request = _erase(
        client, officer_a, zebedee, capture=django_capture_on_commit_callbacks
    )  # the enqueued task is dropped: captured, never run
    assert erasures_sweep.apply().get() == 1
    assert erasures_sweep.apply().get() == 0
    request.refresh_from_db()
    assert request.status == DataRequest.Status.DONE
