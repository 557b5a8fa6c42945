"""The national import in the background (issue 20, finding 6): the upload page
stores the file and returns at once; tasks check and apply it, and the run's page
shows progress (htmx polling) until they are done."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from members import tasks
from members.imports.services import membership_imports_requeue, stored_file_path
from members.models import ImportRun, Membership
from partyhub.audit.models import AuditEntry
from tests.members.imports.conftest import csv_bytes, row

pytestmark = pytest.mark.usefixtures("eager_tasks")

UPLOAD = reverse("admin:members_importrun_upload")


def _upload(client, clp, data):
    return client.post(
        UPLOAD,
        {"file": SimpleUploadedFile("export.csv", data, "text/csv"),
         "constituency": clp.pk},
    )  # fmt: skip


def _preview(run):
    return reverse("admin:members_importrun_preview", args=[run.pk])


def test_upload_returns_before_the_file_is_read_and_the_page_polls(
    client, clp_a, area_a, officer_a, django_capture_on_commit_callbacks
):
    client.force_login(officer_a)
    data = csv_bytes(row(), row("L2", "Bo", email="b@x.org"))
    with django_capture_on_commit_callbacks() as queued:
        response = _upload(client, clp_a, data)
    run = ImportRun.objects.get()
    assert response["Location"] == _preview(run)
    assert run.status == ImportRun.Status.CHECKING
    assert stored_file_path(run).read_bytes() == data
    assert len(queued) == 1  # the check task, after commit

    page = client.get(_preview(run))
    assert "Checking the file" in page.text
    assert 'hx-trigger="every 2s"' in page.text
    assert "Apply this import" not in page.text
    poll = client.get(_preview(run), HTTP_HX_REQUEST="true")
    assert "Checking the file" in poll.text and "<html" not in poll.text

    queued[0]()  # the worker picks it up
    queued[0]()  # and again (a redelivered task): nothing more happens
    done = client.get(_preview(run), HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"
    page = client.get(_preview(run))
    assert "Apply this import" in page.text and "L0000001" in page.text
    assert AuditEntry.objects.filter(action="membership.import_preview").count() == 1


def test_a_broken_file_fails_its_run_with_the_line(
    client, clp_a, area_a, officer_a, django_capture_on_commit_callbacks
):
    client.force_login(officer_a)
    rows = [row(f"L{n}", email="") for n in range(1, 40)]
    rows[6] = row("L7", address='"7 High Street', email="")
    rows[30] = row("L31", address='"31, High Street"', email="")
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, clp_a, csv_bytes(*rows))
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    page = client.get(_preview(run))
    assert "Line 8 is not valid CSV" in page.text
    assert "Nothing was changed." in page.text
    assert "Apply this import" not in page.text
    assert not stored_file_path(run).exists()


def test_apply_runs_once_however_often_it_is_pressed_or_delivered(
    client, clp_a, area_a, officer_a, django_capture_on_commit_callbacks
):
    client.force_login(officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, clp_a, csv_bytes(row(), row("L2", "Bo", email="b@x.org")))
    run = ImportRun.objects.get()
    apply = reverse("admin:members_importrun_apply", args=[run.pk])
    with django_capture_on_commit_callbacks() as queued:
        first = client.post(apply)
        second = client.post(apply, follow=True)
    assert first["Location"] == _preview(run)
    assert "already been applied or is being applied" in second.text
    assert len(queued) == 1
    page = client.get(_preview(run))
    assert "Applying the import" in page.text
    assert not Membership.objects.exists()

    queued[0]()
    tasks.import_apply(run.pk, officer_a.pk)  # a redelivered task
    assert Membership.objects.count() == 2
    assert AuditEntry.objects.filter(action="membership.import_apply").count() == 1
    page = client.get(_preview(run))
    assert "Imported: 2 new, 0 changed, 0 unchanged." in page.text


def test_a_run_with_row_errors_is_not_applied_by_the_task(
    client, clp_a, area_a, officer_a, django_capture_on_commit_callbacks
):
    client.force_login(officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, clp_a, csv_bytes(row(), row("L2", joined="soon")))
    run = ImportRun.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:members_importrun_apply", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert not Membership.objects.exists()
    assert "Nothing was imported" in client.get(_preview(run)).text


def test_officer_b_cannot_poll_or_apply_a_run_of_a(
    client, clp_a, area_a, officer_a, officer_b, django_capture_on_commit_callbacks
):
    client.force_login(officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, clp_a, csv_bytes(row()))
    run = ImportRun.objects.get()
    client.force_login(officer_b)
    assert client.get(_preview(run), HTTP_HX_REQUEST="true").status_code == 404
    apply = reverse("admin:members_importrun_apply", args=[run.pk])
    assert client.post(apply).status_code == 404
    run.refresh_from_db()
    assert run.apply_requested_at is None


def test_checks_and_applies_lost_with_the_broker_are_queued_again(
    client, clp_a, area_a, officer_a, django_capture_on_commit_callbacks
):
    client.force_login(officer_a)
    with django_capture_on_commit_callbacks():  # the broker was down: never queued
        _upload(client, clp_a, csv_bytes(row()))
    run = ImportRun.objects.get()
    now = timezone.now()
    assert membership_imports_requeue(now=now) == 0  # not stalled yet
    later = now + datetime.timedelta(minutes=16)
    assert membership_imports_requeue(now=later) == 1
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PREVIEW

    with django_capture_on_commit_callbacks():
        client.post(reverse("admin:members_importrun_apply", args=[run.pk]))
    later = timezone.now() + datetime.timedelta(minutes=16)
    assert membership_imports_requeue(now=later) == 1
    assert membership_imports_requeue(now=later) == 0
    run.refresh_from_db()
    assert run.status == ImportRun.Status.APPLIED
    assert Membership.objects.count() == 1


def test_a_large_file_is_checked_from_its_start_in_the_request(
    client, clp_a, area_a, officer_a, django_capture_on_commit_callbacks
):
    client.force_login(officer_a)
    rows = [row(f"L{n:07d}", email="") for n in range(1, 2000)]  # ~130 KB
    wrong = csv_bytes(*rows, header="Name,Email\n")
    response = _upload(client, clp_a, wrong)
    assert response.status_code == 200
    assert "Required columns are missing" in response.text
    assert not ImportRun.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, clp_a, csv_bytes(*rows))
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert (run.status, run.counts["new"]) == (ImportRun.Status.PREVIEW, 1999)
