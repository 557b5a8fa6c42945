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
        _regular_giving(constituency, people, today)
        _bank(constituency, today)
        _lottery(constituency, people, today)
        _delegate(constituency)
        _door_payments(constituency, today)


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


def _regular_giving(constituency: Any, people: list[Any], today: datetime.date) -> None:
    from finance.models import StandingOrder

    donor = _donor(constituency, kind=DonorKind.INDIVIDUAL, person=people[2])
    order, _ = StandingOrder.objects.get_or_create(
        constituency=constituency,
        donor=donor,
        defaults={
            "amount": Decimal("10.00"),
            "frequency": StandingOrder.Frequency.MONTHLY,
            "first_payment": today - datetime.timedelta(days=100),
            "reference": "DEMO-SO-1",
        },
    )
    # Paid every month but the second: a missed payment on the home page.
    for n, due in enumerate(order.due_dates(today)):
        if n == 1:
            continue
        _donation(
            donor,
            "10.00",
            due,
            standing_order=order,
            method=Donation.Method.STANDING_ORDER,
            accepted_on=due,
        )


def _bank(constituency: Any, today: datetime.date) -> None:
    from finance.models import BankLine

    allocation = Entry.objects.filter(
        constituency=constituency, description="Quarterly allocation"
    ).first()
    for key, description, amount, entry in (
        ("demo-1", "PARTY ALLOCATION", Decimal("1200.00"), allocation),
        ("demo-2", "CARD PAYMENT UNKNOWN", Decimal("-14.99"), None),
    ):
        BankLine.objects.get_or_create(
            constituency=constituency,
            fingerprint=key,
            defaults={
                "date": today - datetime.timedelta(days=18),
                "description": description,
                "amount": amount,
                "entry": entry,
            },
        )


def _lottery(constituency: Any, people: list[Any], today: datetime.date) -> None:
    from django.utils import timezone

    from finance.models import Lottery, LotteryTicket
    from supporters.services.draws import reproducible_draw

    lottery, _ = Lottery.objects.get_or_create(
        constituency=constituency,
        name="200 club — autumn",
        defaults={
            "local_authority": "The city council",
            "registration_number": "SSL-DEMO-1",
            "ticket_price": Decimal("5.00"),
            "draw_date": today - datetime.timedelta(days=10),
            "prizes": 2,
            "largest_prize": Decimal("20.00"),
            "prize_total": Decimal("30.00"),
            "expenses": Decimal("0.00"),
        },
    )
    for n, person in enumerate(people[:10], start=1):
        LotteryTicket.objects.get_or_create(
            lottery=lottery,
            number=n,
            defaults={
                "person": person,
                "date_of_birth": datetime.date(1970, 1, 1),
                "price": lottery.ticket_price,
                "sold_on": today - datetime.timedelta(days=20),
            },
        )
    if lottery.drawn_at is None:
        lottery.seed = "demo-seed"
        lottery.entrants = list(range(1, min(10, len(people)) + 1))
        lottery.winners = reproducible_draw(lottery.seed, lottery.entrants, 2)
        lottery.drawn_at = timezone.now()
        lottery.save()


def _delegate(constituency: Any) -> None:
    from finance.models import FinanceDelegate
    from members.models import Office

    office = (
        Office.objects.current()
        .filter(constituency=constituency, role="secretary", branch=None)
        .select_related("person")
        .order_by("pk")
        .first()
    )
    if office is not None:
        FinanceDelegate.objects.get_or_create(
            constituency=constituency,
            person=office.person,
            defaults={"starts": office.starts},
        )


def _door_payments(constituency: Any, today: datetime.date) -> None:
    from django.utils import timezone

    from events.models import Booking
    from finance.models import BookingPayment

    bookings = Booking.objects.filter(
        event__constituencies=constituency,
        person__constituency=constituency,
        status=Booking.Status.YES,
        payment__isnull=True,
    ).select_related("event")
    if BookingPayment.objects.filter(constituency=constituency).exists():
        return
    for booking in bookings.order_by("pk")[:3]:
        entry = Entry.objects.create(
            constituency=constituency,
            date=today,
            direction=Entry.Direction.INCOME,
            category=Category.EVENTS,
            fund=Fund.GENERAL,
            amount=Decimal("5.00"),
            description=f"Ticket: {booking.event.title}",
            event=booking.event,
        )
        BookingPayment.objects.create(
            constituency=constituency,
            booking=booking,
            amount=Decimal("5.00"),
            method=BookingPayment.Method.CASH,
            paid_at=timezone.now(),
            entry=entry,
        )
