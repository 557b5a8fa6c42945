"""What the finance pages read: donations waiting for a decision, aggregation per
source per calendar year, the quarterly report's rows, the books' summaries.

Reporting (an accounting unit, PPERA schedule 6): only donations over
FINANCE_PERMISSIBILITY_THRESHOLD count ("relevant donations"). An accepted relevant
donation over FINANCE_REPORTING_THRESHOLD is reported in the quarter it was
accepted. Donations from one source in a calendar year (by date accepted) that add
up to more than FINANCE_REPORTING_THRESHOLD are all reported, as aggregated, in the
quarter the total crossed it; every later relevant donation from that source that
year is reported in its own quarter.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypedDict

from django.conf import settings
from django.db.models import Count, DecimalField, Min, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from finance.models import Category, Donation, Entry, Fund

ZERO = Decimal("0.00")


def undecided(ids: frozenset[int] | None) -> QuerySet[Donation]:
    return Donation.objects.for_constituency_ids(ids).filter(
        accepted_on__isnull=True, returned_on__isnull=True
    )


def overdue(
    ids: frozenset[int] | None, today: datetime.date | None = None
) -> QuerySet[Donation]:
    """Not accepted or returned within FINANCE_DECISION_DAYS of receipt."""
    today = today or timezone.localdate()
    limit = today - datetime.timedelta(days=settings.FINANCE_DECISION_DAYS)
    return undecided(ids).filter(received_on__lt=limit)


class DecisionCounts(TypedDict):
    waiting: int
    overdue: int
    first: datetime.date | None


def decision_counts(
    ids: frozenset[int] | None, today: datetime.date | None = None
) -> DecisionCounts:
    """One query: how many wait, how many are overdue, the first received."""
    today = today or timezone.localdate()
    limit = today - datetime.timedelta(days=settings.FINANCE_DECISION_DAYS)
    row = undecided(ids).aggregate(
        waiting=Count("pk"),
        overdue=Count("pk", filter=Q(received_on__lt=limit)),
        first=Min("received_on"),
    )
    return DecisionCounts(
        waiting=row["waiting"], overdue=row["overdue"], first=row["first"]
    )


def quarter_of(day: datetime.date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, 3 * (quarter - 1) + 1, 1)
    end = (
        datetime.date(year + 1, 1, 1)
        if quarter == 4
        else datetime.date(year, 3 * quarter + 1, 1)
    ) - datetime.timedelta(days=1)
    return start, end


@dataclass
class ReportRow:
    donation: Donation
    reportable_on: datetime.date
    aggregated: bool
    year_total: Decimal


@dataclass
class SourceYear:
    """One source's donations in a calendar year."""

    donor: Any
    donations: list[Donation] = field(default_factory=list)
    total: Decimal = ZERO
    relevant_total: Decimal = ZERO
    crossed_on: datetime.date | None = None

    @property
    def count(self) -> int:
        return len(self.donations)


def _accepted_in(ids: frozenset[int] | None, year: int) -> QuerySet[Donation]:
    return (
        Donation.objects.for_constituency_ids(ids)
        .filter(
            accepted_on__year=year,
            accepted_on__isnull=False,
            returned_on__isnull=True,
        )
        .select_related("donor", "donor__person", "constituency")
        .order_by("donor_id", "accepted_on", "pk")
    )


def sources_in_year(ids: frozenset[int] | None, year: int) -> list[SourceYear]:
    """Accepted donations by source for a calendar year, with the date each
    source's relevant donations crossed the reporting threshold (if they did)."""
    minimum = settings.FINANCE_PERMISSIBILITY_THRESHOLD
    threshold = settings.FINANCE_REPORTING_THRESHOLD
    by_donor: dict[int, SourceYear] = {}
    for donation in _accepted_in(ids, year):
        source = by_donor.setdefault(
            donation.donor_id, SourceYear(donor=donation.donor)
        )
        source.donations.append(donation)
        source.total += donation.value
        if donation.value > minimum:
            source.relevant_total += donation.value
            if source.crossed_on is None and source.relevant_total > threshold:
                source.crossed_on = donation.accepted_on
    return sorted(by_donor.values(), key=lambda s: (-s.total, str(s.donor)))


def reportable_rows(ids: frozenset[int] | None, year: int) -> list[ReportRow]:
    """Every reportable donation of the year with the date it became reportable."""
    minimum = settings.FINANCE_PERMISSIBILITY_THRESHOLD
    threshold = settings.FINANCE_REPORTING_THRESHOLD
    rows: list[ReportRow] = []
    for source in sources_in_year(ids, year):
        relevant = [d for d in source.donations if d.value > minimum]
        crossed = source.crossed_on
        if crossed is None:
            continue
        for donation in relevant:
            accepted = donation.accepted_on or crossed
            rows.append(
                ReportRow(
                    donation=donation,
                    reportable_on=max(accepted, crossed),
                    aggregated=donation.value <= threshold,
                    year_total=source.relevant_total,
                )
            )
    rows.sort(key=lambda r: (r.reportable_on, r.donation.pk))
    return rows


def quarter_rows(
    ids: frozenset[int] | None, year: int, quarter: int
) -> list[ReportRow]:
    start, end = quarter_bounds(year, quarter)
    return [r for r in reportable_rows(ids, year) if start <= r.reportable_on <= end]


REPORT_HEADER = [
    "Accounting unit",
    "Donor name",
    "Donor status",
    "Company registration number",
    "Donor address",
    "Postcode",
    "Donation type",
    "Nature of donation",
    "Value",
    "Date received",
    "Date accepted",
    "Reported due to aggregation",
    "Aggregate value in year",
    "Method",
]


def report_line(row: ReportRow) -> list[str]:
    d = row.donation
    donor = d.donor
    person = donor.person
    if person is not None:
        name = f"{person.first_name} {person.last_name}".strip()
        address = donor.address or ", ".join(
            p
            for p in (
                getattr(person, "address_line_1", ""),
                getattr(person, "address_line_2", ""),
                getattr(person, "town", "") or "",
            )
            if p
        )
        postcode = getattr(person, "postcode", "") or ""
    else:
        name, address, postcode = donor.name, donor.address, ""
    return [
        d.constituency.name,
        name,
        donor.get_kind_display(),
        donor.company_number,
        address.replace("\n", ", "),
        postcode,
        "Cash" if d.form == Donation.Form.MONEY else "Non Cash",
        d.nature,
        f"{d.value:.2f}",
        d.received_on.isoformat(),
        d.accepted_on.isoformat() if d.accepted_on else "",
        "Yes" if row.aggregated else "No",
        f"{row.year_total:.2f}",
        d.get_method_display() if d.method else "",
    ]


def impermissible_or_returned(
    ids: frozenset[int] | None, year: int
) -> QuerySet[Donation]:
    return (
        Donation.objects.for_constituency_ids(ids)
        .filter(received_on__year=year)
        .filter(Q(permissible=False) | Q(returned_on__isnull=False))
        .select_related("donor", "donor__person")
        .order_by("received_on", "pk")
    )


# --- the books ------------------------------------------------------------------------

_MONEY: Any = DecimalField(max_digits=14, decimal_places=2)


def _sum(condition: Q) -> Coalesce:
    return Coalesce(Sum("amount", filter=condition), Value(ZERO), output_field=_MONEY)


@dataclass
class Line:
    key: str
    label: str
    amount: Decimal


@dataclass
class FundYear:
    fund: str
    label: str
    opening: Decimal
    income: Decimal
    expenditure: Decimal

    @property
    def closing(self) -> Decimal:
        return self.opening + self.income - self.expenditure


@dataclass
class YearSummary:
    start: datetime.date
    end: datetime.date
    funds: list[FundYear]
    income: list[Line]
    expenditure: list[Line]

    @property
    def total_income(self) -> Decimal:
        return sum((line.amount for line in self.income), ZERO)

    @property
    def total_expenditure(self) -> Decimal:
        return sum((line.amount for line in self.expenditure), ZERO)

    @property
    def opening(self) -> Decimal:
        return sum((f.opening for f in self.funds), ZERO)

    @property
    def closing(self) -> Decimal:
        return sum((f.closing for f in self.funds), ZERO)

    @property
    def surplus(self) -> Decimal:
        return self.total_income - self.total_expenditure


INCOME, OUT = Entry.Direction.INCOME, Entry.Direction.EXPENDITURE


def year_summary(
    ids: frozenset[int] | None, start: datetime.date, end: datetime.date
) -> YearSummary:
    """Income and expenditure by category and fund over [start, end], with each
    fund's opening and closing balance: opening + income − expenditure = closing."""
    entries = Entry.objects.for_constituency_ids(ids).order_by()
    before = Q(date__lt=start)
    during = Q(date__gte=start, date__lte=end)
    by_fund = {
        row["fund"]: row
        for row in entries.values("fund").annotate(
            opening=_sum(before & Q(direction=INCOME))
            - _sum(before & Q(direction=OUT)),
            income=_sum(during & Q(direction=INCOME)),
            expenditure=_sum(during & Q(direction=OUT)),
        )
    }
    funds = [
        FundYear(
            fund=value,
            label=str(label),
            opening=by_fund.get(value, {}).get("opening", ZERO),
            income=by_fund.get(value, {}).get("income", ZERO),
            expenditure=by_fund.get(value, {}).get("expenditure", ZERO),
        )
        for value, label in Fund.choices
    ]
    totals: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for row in (
        entries.filter(during)
        .values("direction", "category")
        .annotate(total=Sum("amount"))
    ):
        totals[row["direction"]][row["category"]] = row["total"]
    labels = dict(Category.choices)

    def lines(direction: str) -> list[Line]:
        return [
            Line(key, str(labels.get(key, key)), amount)
            for key, amount in sorted(totals[direction].items())
        ]

    return YearSummary(
        start=start,
        end=end,
        funds=funds,
        income=lines(INCOME),
        expenditure=lines(OUT),
    )


@dataclass
class Actuals:
    income: Decimal
    costs: Decimal

    @property
    def profit(self) -> Decimal:
        return self.income - self.costs


def actuals_for(entries: QuerySet[Entry]) -> Actuals:
    row = entries.order_by().aggregate(
        income=_sum(Q(direction=INCOME)), costs=_sum(Q(direction=OUT))
    )
    return Actuals(income=row["income"], costs=row["costs"])


def event_actuals(
    ids: frozenset[int] | None, event_ids: Iterable[int]
) -> dict[int, Actuals]:
    """{event id: Actuals} for many events in one query."""
    result: dict[int, Actuals] = {}
    for row in (
        Entry.objects.for_constituency_ids(ids)
        .filter(event_id__in=list(event_ids))
        .order_by()
        .values("event_id")
        .annotate(income=_sum(Q(direction=INCOME)), costs=_sum(Q(direction=OUT)))
    ):
        result[row["event_id"]] = Actuals(row["income"], row["costs"])
    return result


# --- regular giving ---------------------------------------------------------------------

# A payment up to this many days either side of its due date counts for it; a
# due date this many days past with no payment is missed.
GRACE_DAYS = 10


@dataclass
class MissedPayments:
    order: Any
    missed: list[datetime.date]


def missed_payments(
    ids: frozenset[int] | None, today: datetime.date | None = None
) -> list[MissedPayments]:
    """Standing orders with a due payment that has not arrived (two queries)."""
    from django.db.models import Prefetch

    from finance.models import StandingOrder

    today = today or timezone.localdate()
    until = today - datetime.timedelta(days=GRACE_DAYS)
    orders = (
        StandingOrder.objects.for_constituency_ids(ids)
        .filter(first_payment__lte=until)
        .select_related("donor", "donor__person")
        .prefetch_related(
            Prefetch(
                "payments",
                queryset=Donation.objects.filter(returned_on__isnull=True).only(
                    "pk", "received_on", "standing_order_id"
                ),
            )
        )
    )
    result = []
    for order in orders:
        received = sorted(d.received_on for d in order.payments.all())
        missed = []
        for due in order.due_dates(until):
            match = next(
                (r for r in received if abs((r - due).days) <= GRACE_DAYS), None
            )
            if match is None:
                missed.append(due)
            else:
                received.remove(match)
        if missed:
            result.append(MissedPayments(order=order, missed=missed))
    return result


def lottery_returns_outstanding(
    ids: frozenset[int] | None, today: datetime.date | None = None
) -> list[tuple[Any, datetime.date]]:
    """Drawn lotteries whose return to the local authority is not recorded as
    sent, with the date it is due (three months after the draw)."""
    from finance.models import Lottery
    from finance.services import return_due

    today = today or timezone.localdate()
    drawn = Lottery.objects.for_constituency_ids(ids).filter(
        drawn_at__isnull=False, return_sent_on__isnull=True
    )
    return sorted(((lot, return_due(lot)) for lot in drawn), key=lambda p: p[1])
