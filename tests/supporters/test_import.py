"""Importing an existing supporters list: tolerant of real spreadsheets, a dry run
first, all or nothing, the same Person for a known email, consent as the form."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import Person, Postcode
from partyhub.audit.models import AuditEntry
from partyhub.comms.consent import can_contact, consent_record, current_consents
from partyhub.comms.models import Channel, ConsentEvent, Method
from supporters import tasks
from supporters.models import Supporter, SupporterImport
from supporters.services import (
    SupportersError,
    import_runs,
    importing,
    supporters_import,
)
from tests import factories

GOOD = (
    "First Name,Last name, EMAIL ,Postcode,Phone,Offers,Email consent,Phone_consent,"
    "consent_wording\n"
    "Ann,Archer,ann@example.org,b8 1aa,0121 496 0000,poster;leaflets,yes,no,"
    "Tick to get email from Hodge Hill Labour\n"
    "Bill,Baker,BILL@example.org,,,,,,\n"
)


def run(clp, officer, data, dry_run=False, **kw):
    return supporters_import(
        file=data if isinstance(data, bytes) else data.encode(),
        constituency=clp,
        actor=officer,
        dry_run=dry_run,
        **kw,
    )


def test_dry_run_reports_and_changes_nothing(clp_a, officer_a):
    before = Person.objects.count()
    report = run(clp_a, officer_a, GOOD, dry_run=True)
    assert [r.email for r in report.new] == ["ann@example.org", "bill@example.org"]
    assert report.errors == []
    assert Person.objects.count() == before
    assert not Supporter.objects.exists()
    assert not AuditEntry.objects.filter(action="supporter.import").exists()


def test_apply_creates_confirmed_supporters_with_stated_consent(clp_a, officer_a):
    ward = factories.WardFactory(constituency=clp_a)
    Postcode.objects.create(postcode="B8 1AA", ward=ward, constituency=clp_a)
    report = run(clp_a, officer_a, GOOD)
    assert report.applied and report.row_count == 2
    ann = Supporter.objects.get(person__email="ann@example.org")
    assert ann.status == Supporter.Status.CONFIRMED
    assert ann.source == Supporter.Source.IMPORT
    assert {o.slug for o in ann.offers.all()} == {"poster", "leaflets"}
    assert ann.person.ward == ward and not ann.needs_review
    assert ann.person.postcode == "B8 1AA"
    assert current_consents(ann.person) == {("email", ""): True, ("phone", ""): False}
    event = ConsentEvent.objects.get(person=ann.person, channel="email")
    assert event.method == Method.IMPORT
    assert event.wording == "Tick to get email from Hodge Hill Labour"
    # Not stated: recorded as no consent at all.
    bill = Supporter.objects.get(person__email="bill@example.org")
    assert current_consents(bill.person) == {}
    assert not can_contact(bill.person)
    assert bill.needs_review  # no postcode to place them by
    entry = AuditEntry.objects.get(action="supporter.import")
    assert (entry.actor, entry.row_count, entry.constituency) == (officer_a, 2, clp_a)


def test_reimport_is_idempotent(clp_a, officer_a):
    run(clp_a, officer_a, GOOD)
    people, events = Person.objects.count(), ConsentEvent.objects.count()
    report = run(clp_a, officer_a, GOOD)
    assert len(report.new) == 0 and len(report.updated) == 2
    assert Person.objects.count() == people
    assert Supporter.objects.count() == 2
    assert ConsentEvent.objects.count() == events


def test_known_email_is_the_same_person(clp_a, clp_b, officer_a):
    known = factories.PersonFactory(
        constituency=clp_a, email="Ann@Example.org", phone="07700 900000"
    )
    factories.MembershipFactory(person=known)
    factories.PersonFactory(constituency=clp_b, email="bill@example.org")
    report = run(clp_a, officer_a, GOOD)
    assert [r.email for r in report.updated] == ["ann@example.org"]
    known.refresh_from_db()
    assert known.supporter.status == Supporter.Status.CONFIRMED
    assert known.phone == "07700 900000"  # an import never overwrites what we hold
    assert Person.objects.filter(email__iexact="ann@example.org").count() == 1
    # Bill is known only in another constituency: a record of this one is made.
    assert Person.objects.filter(
        email__iexact="bill@example.org", constituency=clp_a
    ).exists()


def test_import_never_overrides_consent_given_locally(clp_a, officer_a):
    ann = factories.PersonFactory(constituency=clp_a, email="ann@example.org")
    consent_record(
        person=ann,
        channel=Channel.PHONE,
        granted=True,
        method=Method.PORTAL,
        wording="Yes, phone me.",
    )
    run(clp_a, officer_a, GOOD)
    assert current_consents(ann)[("phone", "")] is True


def test_left_supporter_stays_left(clp_a, officer_a):
    person = factories.PersonFactory(constituency=clp_a, email="ann@example.org")
    Supporter.objects.create(
        person=person, constituency=clp_a, status=Supporter.Status.LEFT
    )
    run(clp_a, officer_a, GOOD)
    assert Supporter.objects.get(person=person).status == Supporter.Status.LEFT


def test_row_errors_have_line_numbers_and_nothing_is_applied(clp_a, officer_a):
    data = (
        "first_name,last_name,email,postcode,offers,email_consent\n"
        "Ann,Archer,ann@example.org,B8 1AA,poster,yes\n"
        "Bad,Email,not-an-email,,,\n"
        "Bad,Postcode,c@example.org,XYZ,,\n"
        "Bad,Offer,d@example.org,,juggling,\n"
        "Bad,Consent,e@example.org,,,maybe\n"
        "Dup,Licate,ANN@example.org,,,\n"
    )
    report = run(clp_a, officer_a, data, wording="Email me")
    assert not report.applied
    lines = [line for line, _problem in report.errors]
    assert lines == [3, 4, 5, 6, 7]
    assert "juggling" in report.errors[2][1]
    assert not Supporter.objects.exists()
    assert not Person.objects.filter(email__iexact="ann@example.org").exists()


def test_consent_without_wording_is_an_error(clp_a, officer_a):
    data = "first_name,last_name,email,email_consent\nAnn,Archer,ann@example.org,yes\n"
    report = run(clp_a, officer_a, data)
    assert report.errors and "wording" in report.errors[0][1]
    assert not Person.objects.filter(email="ann@example.org").exists()
    report = run(clp_a, officer_a, data, wording="Yes, email me.")
    assert report.applied


def test_windows_1252_file(clp_a, officer_a):
    data = "first_name,last_name,email\nZoë,O’Neill,zoe@example.org\n".encode("cp1252")
    report = run(clp_a, officer_a, data)
    assert report.applied
    assert Person.objects.get(email="zoe@example.org").last_name == "O’Neill"


def test_utf8_bom_file(clp_a, officer_a):
    data = "\ufefffirst_name,last_name,email\nZoë,Smith,zoe@example.org\n".encode()
    assert run(clp_a, officer_a, data).applied


@pytest.mark.parametrize(
    "data, says",
    [
        (b"", "empty"),
        (b"first_name,last_name,email\n", "no supporters"),
        (b"name;mail\nAnn;ann@example.org\n", "needs the columns"),
        (b"PK\x03\x04binary", "zip"),
        (b"first_name,last_name,email\n\x00\x01\x02", "binary"),
    ],
)
def test_bad_files_explain_themselves_and_change_nothing(clp_a, officer_a, data, says):
    with pytest.raises(SupportersError) as exc:
        run(clp_a, officer_a, data)
    assert says in " ".join(exc.value.messages)
    assert not Supporter.objects.exists()


def test_oversized_file_is_refused(clp_a, officer_a, monkeypatch):
    monkeypatch.setattr(importing, "IMPORT_MAX_BYTES", 100)
    with pytest.raises(SupportersError) as exc:
        run(clp_a, officer_a, GOOD * 5)
    assert "too large" in " ".join(exc.value.messages)
    assert not Supporter.objects.exists()


@pytest.fixture
def import_dir(settings, tmp_path):
    settings.SUPPORTER_IMPORT_DIR = tmp_path / "supporter-imports"
    return settings.SUPPORTER_IMPORT_DIR


@pytest.fixture
def eager(import_dir):
    from partyhub.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def _upload(client, clp, data, **extra):
    upload = SimpleUploadedFile("list.csv", data, content_type="text/csv")
    return client.post(
        reverse("admin:supporters_supporter_import"),
        {"file": upload, "constituency": clp.pk, **extra},
    )


def _run_url(run):
    return reverse("admin:supporters_supporter_import_run", args=[run.pk])


def _apply_url(run):
    return reverse("admin:supporters_supporter_import_apply", args=[run.pk])


def test_import_in_the_admin_previews_then_applies(
    client, clp_a, officer_a, eager, django_capture_on_commit_callbacks
):
    client.force_login(officer_a)
    assert client.get(reverse("admin:supporters_supporter_import")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, clp_a, GOOD.encode())
    imported = SupporterImport.objects.get()
    assert response["Location"] == _run_url(imported)
    page = client.get(_run_url(imported))
    assert "2 new supporters" in page.text and "ann@example.org" in page.text
    # The Apply button above the rows as well as below them.
    assert page.text.count("Apply this import") == 2
    assert page.text.index("Apply this import") < page.text.index("ann@example.org")
    # The rows folded by kind under their counts (issue 16 item 11).
    html = page.text
    assert "<summary>2 new supporters</summary>" in html
    assert "<summary>0 already known (updated)</summary>" in html
    new_section = html[html.index("import-kind-new") : html.index("import-kind-known")]
    assert "ann@example.org" in new_section
    assert not Supporter.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_apply_url(imported))
    assert response["Location"] == _run_url(imported)
    assert Supporter.objects.count() == 2
    page = client.get(_run_url(imported))
    assert "Imported 2 supporters: 2 new, 0 already known." in page.text
    assert AuditEntry.objects.filter(action="supporter.import").count() == 1
    assert not import_runs.stored_file_path(imported).exists()


def test_upload_stores_the_file_and_queues_the_check_without_reading_it(
    client, clp_a, officer_a, import_dir, django_capture_on_commit_callbacks,
    monkeypatch,
):  # fmt: skip
    """A file over the old 5 MB cap: the web request copies it to storage in chunks
    and queues the check; no row is parsed in the request."""
    client.force_login(officer_a)
    rows = "".join(f"Person,Number{i},p{i}@example.org,,,,,,\n" for i in range(150_000))
    data = (GOOD + rows).encode()
    assert len(data) > 6 * 1024 * 1024

    def whole_read(*args, **kwargs):
        raise AssertionError("the web request parsed the whole file")

    monkeypatch.setattr(import_runs, "_read_rows", whole_read)
    monkeypatch.setattr(importing, "_read_rows", whole_read)
    with django_capture_on_commit_callbacks() as queued:
        response = _upload(client, clp_a, data)
    imported = SupporterImport.objects.get()
    assert response["Location"] == _run_url(imported)
    assert imported.status == SupporterImport.Status.CHECKING
    assert imported.file_size == len(data)
    assert import_runs.stored_file_path(imported).read_bytes() == data
    assert len(queued) == 1
    page = client.get(_run_url(imported))
    assert "Checking the file" in page.text and 'hx-trigger="every 2s"' in page.text
    assert "Apply this import" not in page.text
    poll = client.get(_run_url(imported), HTTP_HX_REQUEST="true")
    assert "Checking the file" in poll.text and "<html" not in poll.text


def test_check_and_apply_twice_change_nothing_more(clp_a, officer_a, import_dir):
    upload = SimpleUploadedFile("list.csv", GOOD.encode(), content_type="text/csv")
    imported = import_runs.supporters_import_upload(
        upload=upload, constituency=clp_a, actor=officer_a
    )
    tasks.import_check(imported.pk)
    tasks.import_check(imported.pk)  # a redelivered task
    imported.refresh_from_db()
    assert imported.counts == {"new": 2, "updated": 0, "errors": 0}
    assert import_runs.supporters_import_apply_request(run=imported, actor=officer_a)
    # A double click queues nothing more.
    assert not import_runs.supporters_import_apply_request(
        run=imported, actor=officer_a
    )
    tasks.import_apply(imported.pk, officer_a.pk)
    before = (
        Person.objects.count(),
        Supporter.objects.count(),
        ConsentEvent.objects.count(),
    )
    tasks.import_apply(imported.pk, officer_a.pk)  # redelivered
    after = (
        Person.objects.count(),
        Supporter.objects.count(),
        ConsentEvent.objects.count(),
    )
    assert before == after and before[1:] == (2, 2)
    assert AuditEntry.objects.filter(action="supporter.import").count() == 1
    imported.refresh_from_db()
    assert imported.status == SupporterImport.Status.APPLIED


def test_rows_with_errors_cannot_be_applied(
    client, clp_a, officer_a, eager, django_capture_on_commit_callbacks
):
    client.force_login(officer_a)
    data = GOOD + "Bad,Row,nope,,,,,,\n"
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, clp_a, data.encode())
    imported = SupporterImport.objects.get()
    page = client.get(_run_url(imported))
    assert "1 rows with errors" in page.text and "Line" in page.text
    assert "“nope” is not an email address" in page.text
    assert "Apply this import" not in page.text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_apply_url(imported))
    assert not Supporter.objects.exists()


def test_a_file_the_task_cannot_read_fails_with_the_reason(
    client, clp_a, officer_a, eager, django_capture_on_commit_callbacks
):
    client.force_login(officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, clp_a, b"first_name,last_name,email\n")
    imported = SupporterImport.objects.get()
    assert imported.status == SupporterImport.Status.FAILED
    page = client.get(_run_url(imported))
    assert "header row but no supporters" in page.text
    assert not Supporter.objects.exists()


def test_files_nobody_applied_are_forgotten_after_a_day(clp_a, officer_a, import_dir):
    import os
    import time

    def upload():
        return import_runs.supporters_import_upload(
            upload=SimpleUploadedFile("list.csv", GOOD.encode(), "text/csv"),
            constituency=clp_a,
            actor=officer_a,
        )

    old = import_runs.stored_file_path(upload())
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    recent = import_runs.stored_file_path(upload())
    assert not old.exists() and recent.exists()


def test_lost_tasks_are_queued_again(clp_a, officer_a, import_dir, monkeypatch):
    import datetime

    from django.utils import timezone

    upload = SimpleUploadedFile("list.csv", GOOD.encode(), content_type="text/csv")
    imported = import_runs.supporters_import_upload(
        upload=upload, constituency=clp_a, actor=officer_a
    )
    assert import_runs.supporters_imports_requeue() == 0  # not stalled yet
    queued = []
    monkeypatch.setattr(tasks.import_check, "delay", queued.append)
    later = timezone.now() + datetime.timedelta(minutes=20)
    assert import_runs.supporters_imports_requeue(now=later) == 1
    assert queued == [imported.pk]


def test_admin_import_shows_file_errors(client, clp_a, officer_a, import_dir):
    client.force_login(officer_a)
    url = reverse("admin:supporters_supporter_import")
    upload = SimpleUploadedFile("list.xlsx", b"PK\x03\x04...", content_type="x")
    response = client.post(url, {"file": upload, "constituency": clp_a.pk})
    assert response.status_code == 200
    assert "zip archive" in response.text
    assert not SupporterImport.objects.exists()
    assert not Supporter.objects.exists()


def test_officer_cannot_import_into_another_constituency(
    client, clp_a, clp_b, officer_a, officer_b, eager,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    client.force_login(officer_a)
    response = _upload(client, clp_b, GOOD.encode())
    assert response.status_code == 200
    assert "That choice is not on the list" in response.text
    # Nor see or apply a file another CLP's officer uploaded.
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, clp_a, GOOD.encode())
    imported = SupporterImport.objects.get()
    client.force_login(officer_b)
    assert client.get(_run_url(imported)).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(_apply_url(imported)).status_code == 404
    assert not Supporter.objects.exists()
    client.logout()
    assert client.get(_run_url(imported)).status_code == 302  # to the login page
    no_2fa = factories.officer(clp_a, two_factor=False)
    client.force_login(no_2fa)
    assert client.get(_run_url(imported)).status_code != 200
    assert not Supporter.objects.exists()


def test_officer_without_edit_right_cannot_import(client, clp_a):
    treasurer = factories.officer(clp_a, role="treasurer")
    client.force_login(treasurer)
    response = client.get(reverse("admin:supporters_supporter_import"))
    assert response.status_code == 403


def test_line_numbers_follow_the_file_with_multiline_cells(clp_a, officer_a):
    data = (
        "first_name,last_name,email,consent_wording\n"
        'Ann,Archer,ann@example.org,"Two\nlines"\n'
        "Bad,Row,nope,\n"
    )
    report = run(clp_a, officer_a, data)
    assert [line for line, _p in report.errors] == [4]
