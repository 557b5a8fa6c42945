"""The finance app's part of `seed_demo`: donors and donations in every state,
a social's budget with its ticket income and costs, a year's books. Idempotent:
each row is found by what identifies it before it is made."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from finance.models import Budget, Category, Donation, Donor, DonorKind, Entry, Fund
from members.demo.helpers import members_of


def seed_demo_app(*, constituencies: list[Any], today: datetime.date) -> None:
    for constituency in constituencies:
        people = members_of(constituency)
        if len(people) < 10:
            continue
        _donations(constituency, people, today)
        _books(constituency, today)


def _donor(constituency: Any, **kw: Any) -> Donor:
    key = {"person": kw["person"]} if kw.get("person") else {"name": kw["name"]}
    donor: Donor
    donor, _ = Donor.objects.get_or_create(
        constituency=constituency, **key, defaults=kw
    )
    return donor


def _donation(donor: Donor, value: str, received: datetime.date, **kw: Any) -> Donation:
    donation: Donation
    donation, _ = Donation.objects.get_or_create(
        constituency=donor.constituency,
        donor=donor,
        received_on=received,
        value=Decimal(value),
        defaults={"method": Donation.Method.BANK_TRANSFER, **kw},
    )
    return donation


def _donations(constituency: Any, people: list[Any], today: datetime.date) -> None:
    year_start = datetime.date(today.year, 1, 1)
    regular = _donor(constituency, kind=DonorKind.INDIVIDUAL, person=people[0])
    checked = {
        "checked_on": year_start + datetime.timedelta(days=3),
        "check_evidence": "On the council's electoral register (checked online)",
        "permissible": True,
    }
    for days, value in ((10, "1000.00"), (120, "1500.00")):
        received = min(year_start + datetime.timedelta(days=days), today)
        _donation(regular, value, received, accepted_on=received, **checked)
    small = _donor(constituency, kind=DonorKind.INDIVIDUAL, person=people[1])
    _donation(small, "50.00", today - datetime.timedelta(days=5))
    company = _donor(
        constituency,
        kind=DonorKind.COMPANY,
        name="Printworks Ltd",
        company_number="01234567",
        address="1 High Street",
    )
    # Waiting past the 30 days: flagged on the treasurer's home.
    _donation(
        company,
        "750.00",
        today - datetime.timedelta(days=40),
        form=Donation.Form.NON_CASH,
        nature="Leaflet printing at no charge",
        method=Donation.Method.IN_KIND,
    )


def _books(constituency: Any, today: datetime.date) -> None:
    day = today - datetime.timedelta(days=20)
    budget, _ = Budget.objects.get_or_create(
        constituency=constituency,
        title="Summer social",
        defaults={
            "planned_income": Decimal("600.00"),
            "planned_costs": Decimal("250.00"),
        },
    )
    del budget
    for direction, category, fund, amount, description in (
        ("in", Category.SUBSCRIPTIONS, Fund.GENERAL, "1200.00", "Quarterly allocation"),
        ("in", Category.EVENTS, Fund.GENERAL, "540.00", "Summer social tickets"),
        ("out", Category.VENUE, Fund.GENERAL, "180.00", "Summer social hall hire"),
        ("out", Category.PRINTING, Fund.CAMPAIGN, "320.00", "Spring leaflets"),
        ("in", Category.FUNDRAISING, Fund.ELECTION, "400.00", "Raffle for the fund"),
    ):
        Entry.objects.get_or_create(
            constituency=constituency,
            description=description,
            defaults={
                "date": day,
                "direction": direction,
                "category": category,
                "fund": fund,
                "amount": Decimal(amount),
            },
        )
