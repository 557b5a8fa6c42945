"""Importing an existing supporters list: tolerant of real spreadsheets, a dry run
first, all or nothing, the same Person for a known email, consent as the form."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import Person, Postcode
from partyhub.audit.models import AuditEntry
from partyhub.comms.consent import can_contact, consent_record, current_consents
from partyhub.comms.models import Channel, ConsentEvent, Method
from supporters.models import Supporter
from supporters.services import SupportersError, importing, supporters_import
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


def test_import_in_the_admin_previews_then_applies(client, clp_a, officer_a):
    client.force_login(officer_a)
    url = reverse("admin:supporters_supporter_import")
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("list.csv", GOOD.encode(), content_type="text/csv")
    response = client.post(url, {"file": upload, "constituency": clp_a.pk})
    assert response.status_code == 200
    assert "2 new supporters" in response.text
    assert not Supporter.objects.exists()
    key = response.context["key"]
    response = client.post(
        url, {"key": key, "constituency": clp_a.pk, "wording": "", "apply": "1"}
    )
    assert response.status_code == 302
    assert Supporter.objects.count() == 2


def test_admin_import_shows_file_errors(client, clp_a, officer_a):
    client.force_login(officer_a)
    url = reverse("admin:supporters_supporter_import")
    upload = SimpleUploadedFile("list.xlsx", b"PK\x03\x04...", content_type="x")
    response = client.post(url, {"file": upload, "constituency": clp_a.pk})
    assert response.status_code == 200
    assert "zip archive" in response.text
    assert not Supporter.objects.exists()


def test_officer_cannot_import_into_another_constituency(
    client, clp_a, clp_b, officer_a
):
    client.force_login(officer_a)
    upload = SimpleUploadedFile("list.csv", GOOD.encode(), content_type="text/csv")
    response = client.post(
        reverse("admin:supporters_supporter_import"),
        {"file": upload, "constituency": clp_b.pk},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    # Nor apply a file another officer previewed.
    response = client.post(
        reverse("admin:supporters_supporter_import"),
        {"key": "someone-elses", "constituency": clp_a.pk, "apply": "1"},
    )
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
