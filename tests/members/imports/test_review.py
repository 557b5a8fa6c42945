"""Review fixes to the import: an apply writes only the fields each row changes."""

from members.imports import services
from members.imports.reading import read_export
from members.models import ImportRun, Membership, Person
from tests.members.imports.conftest import csv_bytes, row


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
