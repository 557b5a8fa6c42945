"""Donations under PPERA: the check before acceptance over the threshold, company
numbers, the 30-day flag, aggregation per source per calendar year, the
quarterly report's rows, money as exact decimals."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.test import override_settings

from finance import selectors, services
from finance.models import Donation, DonorKind, Entry
from partyhub.errors import DomainError
from tests import factories

D = datetime.date


def _give(actor, donor, value, received, *, accept=True, check=True):
    donation = services.donation_record(
        actor=actor, donor=donor, value=Decimal(value), received_on=received,
        method=Donation.Method.BANK_TRANSFER,
    )  # fmt: skip
    if check:
        services.donation_check(
            actor=actor, donation=donation, permissible=True,
            evidence="Birmingham City Council register, 1 December", checked_on=received,
        )  # fmt: skip
    if accept:
        services.donation_accept(actor=actor, donation=donation, accepted_on=received)
    donation.refresh_from_db()
    return donation


@pytest.fixture
def donor(treasurer_a, clp_a, donor_person):
    return services.donor_for_person(
        actor=treasurer_a, constituency=clp_a, person=donor_person
    )


def test_over_the_threshold_cannot_be_accepted_until_checked(treasurer_a, donor):
    donation = services.donation_record(
        actor=treasurer_a, donor=donor, value="1000.00", received_on=D(2026, 2, 3)
    )
    with pytest.raises(DomainError, match="permissibility check is recorded"):
        services.donation_accept(actor=treasurer_a, donation=donation)
    donation.refresh_from_db()
    assert donation.accepted_on is None
    with pytest.raises(DomainError, match="electoral register"):
        services.donation_check(
            actor=treasurer_a, donation=donation, permissible=True, evidence=" "
        )
    services.donation_check(
        actor=treasurer_a, donation=donation, permissible=True,
        evidence="Birmingham register, checked 4 Feb",
    )  # fmt: skip
    services.donation_accept(
        actor=treasurer_a, donation=donation, accepted_on=D(2026, 2, 5)
    )
    donation.refresh_from_db()
    assert donation.accepted_on == D(2026, 2, 5)
    assert donation.checked_by == treasurer_a
    # Money accepted is income in the books, to the penny.
    entry = Entry.objects.get(donation=donation)
    assert entry.amount == Decimal("1000.00")
    assert entry.direction == Entry.Direction.INCOME


def test_at_or_under_the_threshold_needs_no_check(treasurer_a, donor):
    donation = _give(treasurer_a, donor, "500.00", D(2026, 3, 1), check=False)
    assert donation.accepted_on == D(2026, 3, 1)


@override_settings(FINANCE_PERMISSIBILITY_THRESHOLD=Decimal("100.00"))
def test_the_threshold_is_a_setting(treasurer_a, donor):
    donation = services.donation_record(
        actor=treasurer_a, donor=donor, value="150.00", received_on=D(2026, 3, 1)
    )
    with pytest.raises(DomainError, match="over £100.00"):
        services.donation_accept(actor=treasurer_a, donation=donation)


def test_impermissible_cannot_be_accepted_only_returned(treasurer_a, donor):
    donation = services.donation_record(
        actor=treasurer_a, donor=donor, value="900.00", received_on=D(2026, 3, 1)
    )
    services.donation_check(
        actor=treasurer_a, donation=donation, permissible=False,
        evidence="Not on the register of Birmingham or anywhere we checked",
    )  # fmt: skip
    with pytest.raises(DomainError, match="must be returned"):
        services.donation_accept(actor=treasurer_a, donation=donation)
    services.donation_return(
        actor=treasurer_a, donation=donation, reason="Not on a register",
        returned_on=D(2026, 3, 10),
    )  # fmt: skip
    rows = list(selectors.impermissible_or_returned(None, 2026))
    assert [r.pk for r in rows] == [donation.pk]
    assert not Entry.objects.filter(donation=donation).exists()


def test_a_company_without_its_number_is_refused(treasurer_a, clp_a):
    with pytest.raises(DomainError) as caught:
        services.donor_create(
            actor=treasurer_a, constituency=clp_a, kind=DonorKind.COMPANY,
            name="Acme Widgets",
        )  # fmt: skip
    assert "company number" in caught.value.message_dict["company_number"][0]
    donor = services.donor_create(
        actor=treasurer_a, constituency=clp_a, kind=DonorKind.COMPANY,
        name="Acme Widgets", company_number="sc123456",
    )  # fmt: skip
    assert donor.company_number == "SC123456"


def test_money_is_decimal_never_float(treasurer_a, donor):
    with pytest.raises(TypeError):
        services.donation_record(
            actor=treasurer_a, donor=donor, value=0.1 + 0.2, received_on=D(2026, 1, 1)
        )
    donation = services.donation_record(
        actor=treasurer_a, donor=donor, value="0.30", received_on=D(2026, 1, 1)
    )
    donation.refresh_from_db()
    assert isinstance(donation.value, Decimal)
    assert donation.value == Decimal("0.30")


def test_not_decided_within_30_days_is_flagged(treasurer_a, donor):
    today = D(2026, 5, 31)
    late = services.donation_record(
        actor=treasurer_a, donor=donor, value="50.00", received_on=D(2026, 4, 30)
    )
    services.donation_record(
        actor=treasurer_a, donor=donor, value="60.00", received_on=D(2026, 5, 1)
    )
    decided = _give(treasurer_a, donor, "70.00", D(2026, 1, 1))
    assert [d.pk for d in selectors.overdue(None, today)] == [late.pk]
    counts = selectors.decision_counts(None, today)
    assert counts["overdue"] == 1
    assert counts["waiting"] == 2
    assert decided.pk not in {d.pk for d in selectors.undecided(None)}


def test_aggregation_is_per_source_per_calendar_year(treasurer_a, clp_a, donor):
    # £1,000 then £1,500 from one member: together over £2,230 that year.
    first = _give(treasurer_a, donor, "1000.00", D(2026, 2, 10))
    second = _give(treasurer_a, donor, "1500.00", D(2026, 8, 20))
    # Last year's and small gifts do not count towards this year.
    _give(treasurer_a, donor, "2000.00", D(2025, 12, 31))
    _give(treasurer_a, donor, "400.00", D(2026, 9, 1))
    other = services.donor_for_person(
        actor=treasurer_a, constituency=clp_a,
        person=factories.PersonFactory(constituency=clp_a),
    )  # fmt: skip
    _give(treasurer_a, other, "2000.00", D(2026, 3, 1))

    sources = {s.donor.pk: s for s in selectors.sources_in_year(None, 2026)}
    assert sources[donor.pk].relevant_total == Decimal("2500.00")
    assert sources[donor.pk].total == Decimal("2900.00")
    assert sources[donor.pk].crossed_on == D(2026, 8, 20)
    assert sources[other.pk].crossed_on is None

    # Q1: nothing yet (£1,000 alone is under the reporting threshold).
    assert selectors.quarter_rows(None, 2026, 1) == []
    # Q3: both, reported as aggregated, in the quarter the total crossed.
    rows = selectors.quarter_rows(None, 2026, 3)
    assert [(r.donation.pk, r.aggregated) for r in rows] == [
        (first.pk, True),
        (second.pk, True),
    ]


def test_a_single_donation_over_the_reporting_threshold(treasurer_a, donor):
    big = _give(treasurer_a, donor, "3000.00", D(2026, 4, 2))
    later = _give(treasurer_a, donor, "600.00", D(2026, 11, 2))
    assert [(r.donation.pk, r.aggregated) for r in selectors.quarter_rows(
        None, 2026, 2)] == [(big.pk, False)]  # fmt: skip
    assert [(r.donation.pk, r.aggregated) for r in selectors.quarter_rows(
        None, 2026, 4)] == [(later.pk, True)]  # fmt: skip


@override_settings(FINANCE_REPORTING_THRESHOLD=Decimal("11180.00"))
def test_the_reporting_threshold_is_a_setting(treasurer_a, donor):
    _give(treasurer_a, donor, "3000.00", D(2026, 4, 2))
    assert selectors.reportable_rows(None, 2026) == []


def test_the_quarterly_csv_rows_for_a_known_set(treasurer_a, clp_a, donor):
    _give(treasurer_a, donor, "1000.00", D(2026, 7, 1))
    _give(treasurer_a, donor, "1500.00", D(2026, 8, 1))
    company = services.donor_create(
        actor=treasurer_a, constituency=clp_a, kind=DonorKind.COMPANY,
        name="Printworks Ltd", company_number="01234567", address="1 High St\nLeeds",
    )  # fmt: skip
    printing = services.donation_record(
        actor=treasurer_a, donor=company, value="2500.00", received_on=D(2026, 9, 1),
        form=Donation.Form.NON_CASH, nature="Leaflet printing",
    )  # fmt: skip
    services.donation_check(
        actor=treasurer_a, donation=printing, permissible=True,
        evidence="Companies House: active, registered in England",
    )  # fmt: skip
    services.donation_accept(
        actor=treasurer_a, donation=printing, accepted_on=D(2026, 9, 2)
    )
    out = io.StringIO()
    writer = csv.writer(out)
    for row in selectors.quarter_rows(None, 2026, 3):
        writer.writerow(selectors.report_line(row))
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["Hodge Hill", "Dora Donne", "Individual", "", "3 Elm Road, Birmingham",
         "B8 1AA", "Cash", "", "1000.00", "2026-07-01", "2026-07-01", "Yes",
         "2500.00", "Bank transfer"],
        ["Hodge Hill", "Dora Donne", "Individual", "", "3 Elm Road, Birmingham",
         "B8 1AA", "Cash", "", "1500.00", "2026-08-01", "2026-08-01", "Yes",
         "2500.00", "Bank transfer"],
        ["Hodge Hill", "Printworks Ltd", "Company", "01234567", "1 High St, Leeds",
         "", "Non Cash", "Leaflet printing", "2500.00", "2026-09-01", "2026-09-02",
         "No", "2500.00", "In kind (goods or services)"],
    ]  # fmt: skip
    # Non-cash gifts are not money in the bank.
    assert not Entry.objects.filter(donation=printing).exists()


def test_a_returned_donation_does_not_count(treasurer_a, donor):
    first = _give(treasurer_a, donor, "2000.00", D(2026, 1, 5))
    second = _give(treasurer_a, donor, "1000.00", D(2026, 1, 6), accept=False)
    services.donation_return(actor=treasurer_a, donation=second, reason="Asked back")
    assert selectors.reportable_rows(None, 2026) == []
    with pytest.raises(DomainError):
        services.donation_accept(actor=treasurer_a, donation=second)
    assert first.accepted_on
