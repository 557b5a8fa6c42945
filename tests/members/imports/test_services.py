"""The national list import: preview, apply, idempotency and what it never touches."""

import datetime

import pytest
from django.utils import timezone

from members.imports import services
from members.imports.reading import read_export
from members.imports.services import (
    ImportApplyError,
    ImportFileError,
    membership_import_apply,
    membership_import_preview,
    stored_file_path,
)
from members.models import ImportRun, Membership, MembershipImportState, Person
from members.signals import members_fell_into_arrears, members_joined
from partyhub.audit.models import AuditEntry
from partyhub.comms.consent import consent_record, current_consents
from partyhub.comms.models import Channel, Method
from tests import factories
from tests.helpers import run_at_once
from tests.members.imports.conftest import HEADER, csv_bytes, row


def preview(clp, data, actor=None):
    return membership_import_preview(
        data=data, file_name="export.csv", constituency=clp, actor=actor
    )


def run_import(clp, data, actor=None):
    return membership_import_apply(run=preview(clp, data, actor), actor=actor)


def state() -> dict:
    """Everything an import could change, to compare before and after."""
    return {
        "people": list(Person.objects.order_by("pk").values()),
        "memberships": list(Membership.objects.order_by("pk").values()),
        "states": list(MembershipImportState.objects.order_by("pk").values()),
    }


def test_preview_counts_and_changes_nothing(clp_a, area_a, officer_a):
    before = state()
    run = preview(clp_a, csv_bytes(row(), row("L0000002", "Bob", email="b@x.org")))
    assert run.status == ImportRun.Status.PREVIEW
    assert run.counts["new"] == 2
    assert run.counts["errors"] == 0
    assert [r["number"] for r in run.report["new"]] == ["L0000001", "L0000002"]
    assert state() == before
    assert AuditEntry.objects.filter(action="membership.import_preview").count() == 1


def test_apply_creates_people_placed_in_ward_and_branch(clp_a, area_a, officer_a):
    run = run_import(clp_a, csv_bytes(row(phone="0121 496 0000")), officer_a)
    assert run.status == ImportRun.Status.APPLIED
    membership = Membership.objects.select_related("person").get(
        membership_number="L0000001"
    )
    person = membership.person
    assert (person.first_name, person.email, person.phone) == (
        "Alice",
        "alice@example.org",
        "0121 496 0000",
    )
    assert person.constituency == clp_a
    assert person.ward == area_a["north"]
    assert membership.branch == area_a["north_branch"]
    assert membership.joined == datetime.date(2020, 2, 1)
    assert membership.expires == datetime.date(2027, 2, 1)
    assert membership.status == Membership.Status.CURRENT
    entry = AuditEntry.objects.get(action="membership.import_apply")
    assert entry.constituency_id == clp_a.pk
    assert entry.actor == officer_a
    assert not stored_file_path(run).exists()


def test_reimporting_the_same_file_changes_nothing(clp_a, area_a):
    data = csv_bytes(row(), row("L0000002", "Bob", email="b@x.org", status="Arrears"))
    run_import(clp_a, data)
    before = state()
    again = run_import(clp_a, data)
    assert again.counts["unchanged"] == 2
    assert again.counts["new"] == again.counts["changed"] == 0
    assert again.report["changed"] == []
    assert state() == before


def test_changes_are_reported_field_by_field(clp_a, area_a):
    run_import(clp_a, csv_bytes(row(), row("L0000002", "Bob", email="b@x.org")))
    data = csv_bytes(
        row(address="9 New Road", postcode="b82bb"),
        row("L0000002", "Bob", email="b@x.org", status="Lapsed"),
    )
    run = run_import(clp_a, data)
    assert run.counts["changed"] == 2
    assert run.counts["lapsed"] == 1
    changed = {r["number"]: r["fields"] for r in run.report["changed"]}
    assert changed["L0000001"]["address_line_1"] == [
        "1 High Street",
        "9 New Road",
        "address",
    ]
    assert changed["L0000001"]["postcode"][:2] == ["B8 1AA", "B8 2BB"]
    assert changed["L0000001"]["ward"][:2] == ["North", "South"]
    assert changed["L0000001"]["branch"][:2] == ["North branch", "South branch"]
    assert changed["L0000002"]["status"] == ["Current", "Lapsed", "status"]
    alice = Person.objects.get(email="alice@example.org")
    assert alice.ward == area_a["south"]
    bob = Membership.objects.get(membership_number="L0000002")
    assert bob.status == Membership.Status.LAPSED
    assert bob.status_since == timezone.localdate()


def test_arrears_and_rejoin_are_flagged_and_signalled(
    clp_a, area_a, django_capture_on_commit_callbacks
):
    run_import(
        clp_a,
        csv_bytes(
            row(),
            row("L0000002", "Bob", email="b@x.org", status="Resigned"),
            row("L0000003", "Cat", email="c@x.org", joined="01/01/1990"),
        ),
    )
    joined, arrears = [], []

    def on_joined(sender, person_ids, **kw):
        joined.extend(person_ids)

    def on_arrears(sender, membership_ids, **kw):
        arrears.extend(membership_ids)

    members_joined.connect(on_joined)
    members_fell_into_arrears.connect(on_arrears)
    try:
        recent = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            run = run_import(
                clp_a,
                csv_bytes(
                    row(status="Arrears"),
                    row("L0000002", "Bob", email="b@x.org", status="Current"),
                    row("L0000003", "Cat", email="c@x.org", joined="01/01/1990"),
                    row("L0000004", "Dan", email="d@x.org", joined=recent),
                    row("L0000005", "Eve", email="e@x.org", joined="01/01/2001"),
                ),
            )
        assert callbacks  # sent only once the import has committed
    finally:
        members_joined.disconnect(on_joined)
        members_fell_into_arrears.disconnect(on_arrears)
    assert run.counts["arrears"] == 1
    assert run.counts["rejoined"] == 1
    bob = Membership.objects.get(membership_number="L0000002")
    assert bob.rejoined_on == timezone.localdate()
    dan = Membership.objects.get(membership_number="L0000004")
    # The recent joiner and the rejoiner are welcomed; Eve, new to partyhub but a
    # member since 2001, is not.
    assert sorted(joined) == sorted([dan.person_id, bob.person_id])
    assert arrears == [Membership.objects.get(membership_number="L0000001").pk]


def test_no_signals_when_nothing_changes(
    clp_a, area_a, django_capture_on_commit_callbacks
):
    data = csv_bytes(row(status="Arrears"))
    run_import(clp_a, data)
    sent = []

    def on_arrears(**kw):
        sent.append(kw)

    members_fell_into_arrears.connect(on_arrears)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            run_import(clp_a, data)
    finally:
        members_fell_into_arrears.disconnect(on_arrears)
    assert sent == []


def test_a_supporter_who_joins_becomes_the_same_person(clp_a, area_a):
    supporter = factories.PersonFactory(
        constituency=clp_a,
        first_name="Alice",
        last_name="Adams",
        email="Alice@Example.org",
        phone="",
        ward=area_a["north"],
    )
    run = run_import(clp_a, csv_bytes(row(phone="0121 1")))
    assert run.counts["new"] == 1
    assert Person.objects.filter(email__iexact="alice@example.org").count() == 1
    membership = Membership.objects.get(membership_number="L0000001")
    assert membership.person_id == supporter.pk
    supporter.refresh_from_db()
    assert supporter.phone == "0121 1"  # blanks are filled in


def test_same_email_in_another_constituency_is_another_person(clp_a, clp_b, area_a):
    other = factories.PersonFactory(constituency=clp_b, email="alice@example.org")
    run_import(clp_a, csv_bytes(row()))
    membership = Membership.objects.get(membership_number="L0000001")
    assert membership.person_id != other.pk
    assert membership.person.constituency == clp_a


def test_local_consent_and_notes_survive_an_import(clp_a, area_a):
    run_import(clp_a, csv_bytes(row()))
    person = Person.objects.get(email="alice@example.org")
    consent_record(
        person=person, channel=Channel.EMAIL, granted=False, method=Method.PORTAL
    )
    Person.objects.filter(pk=person.pk).update(notes="Prefers a call after six")
    run_import(clp_a, csv_bytes(row(address="2 Low Street", status="Arrears")))
    person.refresh_from_db()
    assert person.address_line_1 == "2 Low Street"
    assert person.notes == "Prefers a call after six"
    assert current_consents(person) == {(Channel.EMAIL, ""): False}


def test_portal_edit_stands_until_the_national_value_changes(clp_a, area_a):
    data = csv_bytes(row(phone="0121 000"))
    run_import(clp_a, data)
    person = Person.objects.get(email="alice@example.org")
    # The member corrects their phone in the portal.
    Person.objects.filter(pk=person.pk).update(phone="07700 900999")
    run = run_import(clp_a, data)
    assert run.counts["unchanged"] == 1
    person.refresh_from_db()
    assert person.phone == "07700 900999"
    # The national register now has a new number: it is news, and it wins.
    run_import(clp_a, csv_bytes(row(phone="0121 111")))
    person.refresh_from_db()
    assert person.phone == "0121 111"


def test_first_import_of_a_known_member_only_fills_blanks(clp_a, area_a):
    person = factories.PersonFactory(
        constituency=clp_a, first_name="Ally", last_name="Adams", phone=""
    )
    factories.MembershipFactory(person=person, membership_number="L0000001")
    run_import(clp_a, csv_bytes(row(phone="0121 5")))
    person.refresh_from_db()
    assert person.first_name == "Ally"  # the local spelling stands
    assert person.phone == "0121 5"


def test_a_blank_national_value_never_erases_a_local_one(clp_a, area_a):
    run_import(clp_a, csv_bytes(row(phone="0121 000")))
    run_import(clp_a, csv_bytes(row(phone="")))
    assert Person.objects.get(email="alice@example.org").phone == "0121 000"


@pytest.mark.parametrize(
    ("bad_row", "says"),
    [
        (row(joined="31/02/2020"), "'31/02/2020' is not a date"),
        (row(joined=""), "no join date"),
        (row(status="Gold"), "unknown status 'Gold'"),
        (row(email="not-an-email"), "'not-an-email' is not an email address"),
        (row(number=""), "no membership number"),
        (row(first=""), "no first name"),
        (row(postcode="XYZ"), "'XYZ' is not a UK postcode"),
        (row(postcode="RG30 1AA"), "the postcode RG30 1AA is in Reading West"),
    ],
)
def test_row_errors_name_the_line_and_block_apply(clp_a, area_a, area_b, bad_row, says):
    good = row("L0000009", "Zed", email="z@x.org")
    data = csv_bytes(good, bad_row)
    before = state()
    run = preview(clp_a, data)
    assert run.counts["errors"] == 1
    line, problem = run.report["errors"][0]
    assert line == 3
    assert says in problem
    with pytest.raises(ImportApplyError, match="Nothing was imported"):
        membership_import_apply(run=run, actor=None)
    assert state() == before
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED


def test_duplicate_membership_numbers_are_errors(clp_a, area_a):
    run = preview(clp_a, csv_bytes(row(), row(email="other@example.org")))
    assert run.report["errors"] == [[3, "membership number L0000001 is also on line 2"]]


def test_two_members_with_one_email_is_an_error(clp_a, area_a):
    run = preview(clp_a, csv_bytes(row(), row("L0000002", "Al")))
    assert run.counts["errors"] == 1
    assert "is also on line 2" in run.report["errors"][0][1]


def test_membership_of_another_constituency_is_an_error(clp_a, clp_b, area_a):
    factories.MembershipFactory(
        person=factories.PersonFactory(constituency=clp_b),
        membership_number="L0000001",
    )
    run = preview(clp_a, csv_bytes(row()))
    assert run.report["errors"] == [
        [2, "membership L0000001 belongs to another constituency"]
    ]


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "The file is empty."),
        (b"   \n\n", "The file is empty."),
        (HEADER.encode(), "The file has a header but no rows."),
        (b"name,email\nA,a@x.org\n", "Required columns are missing"),
        (b"PK\x03\x04rest of a zip", "zip archive"),
        (b"\x1f\x8b\x08gzip", "compressed"),
        (b"Membership\x00Number\n", "binary data"),
        (b'Membership Number,"Forename\n', "not valid CSV"),
    ],
)
def test_bad_files_explain_themselves_and_change_nothing(clp_a, area_a, data, says):
    before = state()
    with pytest.raises(ImportFileError, match=says):
        preview(clp_a, data)
    assert state() == before
    assert not ImportRun.objects.exists()


def test_oversized_file_is_refused(clp_a, area_a, settings):
    settings.MEMBER_IMPORT_MAX_BYTES = 100
    with pytest.raises(ImportFileError, match="too large"):
        preview(clp_a, csv_bytes(row(), row("L2", email="x@y.org")))


def test_headers_are_matched_by_meaning_in_any_case_and_spacing(clp_a, area_a):
    header = (
        "  MEMBER NO ,first name,SURNAME,E-mail,address 1,postcode,Status,"
        "Joined,Paid up until,Mobile,Union\n"
    )
    run_import(clp_a, csv_bytes(row(phone="07700 900001"), header=header))
    person = Membership.objects.get(membership_number="L0000001").person
    assert person.mobile == "07700 900001"


def test_windows_1252_and_bom_files(clp_a, area_a):
    run_import(
        clp_a, csv_bytes(row(first="Zoë", union="Unite – the union"), encoding="cp1252")
    )
    assert Person.objects.get(email="alice@example.org").first_name == "Zoë"
    run = preview(clp_a, b"\xef\xbb\xbf" + csv_bytes(row(first="Zoë")))
    assert run.counts["unchanged"] == 1


def test_apply_refuses_a_file_that_changed_since_the_preview(clp_a, area_a):
    run = preview(clp_a, csv_bytes(row()))
    stored_file_path(run).write_bytes(csv_bytes(row(first="Mallory")))
    with pytest.raises(ImportApplyError, match="not the one that was previewed"):
        membership_import_apply(run=run, actor=None)
    assert not Person.objects.exists()


def test_a_run_is_applied_once(clp_a, area_a):
    run = preview(clp_a, csv_bytes(row()))
    membership_import_apply(run=run, actor=None)
    with pytest.raises(ImportApplyError):
        membership_import_apply(run=run, actor=None, data=csv_bytes(row()))
    assert Membership.objects.count() == 1


def test_two_new_members_sharing_a_supporters_email_is_an_error(clp_a, area_a):
    factories.PersonFactory(constituency=clp_a, email="alice@example.org")
    run = preview(clp_a, csv_bytes(row(), row("L0000002", "Al")))
    assert run.counts["errors"] == 1
    assert "is also on line 2" in run.report["errors"][0][1]


def test_moving_to_a_postcode_the_lookup_does_not_know_unplaces(clp_a, area_a):
    run_import(clp_a, csv_bytes(row()))
    run_import(clp_a, csv_bytes(row(postcode="B8 9ZZ")))
    person = Person.objects.get(email="alice@example.org")
    assert person.postcode == "B8 9ZZ"
    assert person.ward is None
    assert person.postcode_unplaced


def test_apply_after_the_stored_file_was_cleared_asks_for_it_again(clp_a, area_a):
    run = preview(clp_a, csv_bytes(row()))
    stored_file_path(run).unlink()
    with pytest.raises(ImportApplyError, match="upload it again"):
        membership_import_apply(run=run, actor=None)
    assert not Membership.objects.exists()


def test_an_officers_choice_of_branch_stands_until_the_ward_changes(clp_a, area_a):
    run_import(clp_a, csv_bytes(row()))
    membership = Membership.objects.get(membership_number="L0000001")
    assert membership.branch == area_a["north_branch"]
    Membership.objects.filter(pk=membership.pk).update(branch=area_a["south_branch"])
    assert run_import(clp_a, csv_bytes(row())).counts["unchanged"] == 1
    membership.refresh_from_db()
    assert membership.branch == area_a["south_branch"]


def test_apply_never_rewrites_a_field_the_row_did_not_change(clp_a, area_a):
    first = csv_bytes(
        row(),
        row("L0000002", "Bob", "Brown", email="bob@example.org", phone="0121 000"),
    )
    services.membership_import_apply(
        run=services.membership_import_preview(
            data=first, file_name="a.csv", constituency=clp_a, actor=None
        ),
        actor=None,
    )
    # Alice's phone changes nationally; Bob's address does. Bob edits his phone in
    # the portal while the import is being applied (after it read his record).
    second = csv_bytes(
        row(phone="0121 555"),
        row(
            "L0000002",
            "Bob",
            "Brown",
            email="bob@example.org",
            phone="0121 000",
            address="9 New Road",
        ),
    )
    run = ImportRun.objects.create(
        constituency=clp_a, file_sha256="x", file_size=1, actor_repr="test"
    )
    plan = services._plan(read_export(second), clp_a)
    assert not plan.errors
    bob = Person.objects.get(email="bob@example.org")
    Person.objects.filter(pk=bob.pk).update(phone="07700 900123")
    services._write(plan, run)

    bob.refresh_from_db()
    assert bob.address_line_1 == "9 New Road"
    assert bob.phone == "07700 900123"
    assert Person.objects.get(email="alice@example.org").phone == "0121 555"


def test_apply_never_rewrites_a_membership_field_the_row_did_not_change(clp_a, area_a):
    first = csv_bytes(row(), row("L0000002", "Bob", "Brown", email="bob@example.org"))
    services.membership_import_apply(
        run=services.membership_import_preview(
            data=first, file_name="a.csv", constituency=clp_a, actor=None
        ),
        actor=None,
    )
    # Alice moves to the south ward (a branch change); Bob falls into arrears while
    # an officer moves him to the south branch.
    second = csv_bytes(
        row(postcode="B8 2BB"),
        row("L0000002", "Bob", "Brown", email="bob@example.org", status="Arrears"),
    )
    run = ImportRun.objects.create(
        constituency=clp_a, file_sha256="x", file_size=1, actor_repr="test"
    )
    plan = services._plan(read_export(second), clp_a)
    Membership.objects.filter(membership_number="L0000002").update(
        branch=area_a["south_branch"]
    )
    services._write(plan, run)

    bob = Membership.objects.get(membership_number="L0000002")
    assert bob.status == Membership.Status.ARREARS
    assert bob.branch == area_a["south_branch"]
    alice = Membership.objects.get(membership_number="L0000001")
    assert alice.branch == area_a["south_branch"]


@pytest.mark.django_db(transaction=True)
def test_two_applies_at_once_make_each_membership_once(clp_a, area_a):
    """Two officers apply two files naming the same new member at the same
    moment: one apply waits for the other (partyhub.locks), then reads the data
    as it is and updates the member the first created."""
    files = [
        csv_bytes(row()),
        csv_bytes(row(), row(number="L0000002", first="Bob", email="bob@example.org")),
    ]
    runs = [
        services.membership_import_preview(
            data=data,
            file_name=f"file{n}.csv",
            constituency=clp_a,
            actor=None,
            keep_file=False,
        )
        for n, data in enumerate(files)
    ]
    raised = run_at_once(
        *(
            lambda run=run, data=data: services.membership_import_apply(
                run=run, actor=None, data=data
            )
            for run, data in zip(runs, files, strict=True)
        )
    )
    assert raised == []
    assert Membership.objects.filter(membership_number="L0000001").count() == 1
    assert Person.objects.filter(email="alice@example.org").count() == 1
    assert Membership.objects.filter(membership_number="L0000002").count() == 1
    assert {r.status for r in ImportRun.objects.all()} == {ImportRun.Status.APPLIED}
