"""The audit log is read by every officer of a CLP (and by an officer of two CLPs
in both), most of whom may not see who gave: finance entries name a donor or a
donation by its id, never the donor's name or address."""

import datetime
import json
from decimal import Decimal

from django.urls import reverse

from finance import services
from finance.models import Donation, DonorKind
from partyhub.audit.models import AuditEntry
from tests import factories

D = datetime.date
SECRETS = ("Dora", "Donne", "Elm Road", "Acme Printing", "Bolt Printing", "Mill Lane")


def _record(treasurer, clp, person):
    donor = services.donor_for_person(actor=treasurer, constituency=clp, person=person)
    donation = services.donation_record(
        actor=treasurer, donor=donor, value=Decimal("1000.00"),
        received_on=D(2026, 2, 1), notes="From Dora Donne at the social",
    )  # fmt: skip
    services.donation_notes(actor=treasurer, donation=donation, notes="Dora again")
    company = services.donor_create(
        actor=treasurer, constituency=clp, kind=DonorKind.COMPANY,
        name="Acme Printing", company_number="01234567", address="1 Mill Lane",
    )  # fmt: skip
    services.donor_update(actor=treasurer, donor=company, name="Bolt Printing")


def test_finance_audit_entries_carry_no_donor_identity(
    treasurer_a, clp_a, donor_person
):
    _record(treasurer_a, clp_a, donor_person)
    entries = AuditEntry.objects.filter(action__startswith="finance.")
    assert entries.count() >= 4
    for entry in entries:
        text = entry.object_repr + json.dumps(entry.detail, default=str)
        for secret in SECRETS:
            assert secret not in text, (entry.action, text)


def test_officer_of_two_clps_reads_no_donor_in_the_audit_log(
    client, treasurer_a, clp_a, clp_b, donor_person
):
    # A treasurer of CLP B who is also secretary of CLP A: finance rights in B
    # only, the audit log of both.
    officer = factories.officer(clp_b, role="treasurer")
    factories.OfficeFactory(person=officer.person, role="secretary", constituency=clp_a)
    _record(treasurer_a, clp_a, donor_person)
    client.force_login(officer)
    page = client.get(reverse("admin:audit_auditentry_changelist"))
    assert page.status_code == 200
    body = page.content.decode()
    for secret in SECRETS:
        assert secret not in body
    # It reads CLP A's entries about the donation (that was the leak), by id.
    donation = Donation.objects.get()
    assert f"donation {donation.pk}" in body
