"""Every finance list costs the same number of queries with N rows as with 3N
(for the treasurer, who opens them all), and another CLP's rows never show."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.services import rsvp_create
from finance import services
from finance.models import BankLine
from tests import factories
from tests.events.conftest import make_event, member

D = datetime.date
N = iter(range(1, 10**6))


def _actor(clp):
    return factories.officer(clp, role="treasurer")


def _donor(clp):
    return services.donor_for_person(
        actor=None, constituency=clp, person=factories.PersonFactory(constituency=clp)
    )


def _donation(clp):
    return services.donation_record(
        actor=None, donor=_donor(clp), value="20.00", received_on=D(2026, 1, 1)
    )


def _entry(clp):
    return services.entry_create(
        actor=None, constituency=clp, date=D(2026, 1, 1), direction="in",
        category="other", amount=Decimal("5.00"), description="x",
        event=make_event(clp),
    )  # fmt: skip


def _budget(clp):
    return services.budget_save(actor=None, constituency=clp, title="b",
                                event=make_event(clp))  # fmt: skip


def _line(clp):
    n = next(N)
    return BankLine.objects.create(
        constituency=clp, date=D(2026, 1, 1), description="x",
        amount=Decimal("5.00"), fingerprint=f"f{n}", entry=_entry(clp),
    )  # fmt: skip


def _order(clp):
    return services.standing_order_create(
        actor=None, donor=_donor(clp), amount="5.00", frequency="monthly",
        first_payment=D(2026, 1, 1),
    )  # fmt: skip


def _lottery(clp):
    return services.lottery_create(
        actor=None, constituency=clp, name=f"L{next(N)}", local_authority="C",
        registration_number="R", ticket_price=Decimal("1.00"),
        draw_date=timezone.localdate(),
    )  # fmt: skip


def _ticket(clp):
    return services.ticket_sell(
        actor=None, lottery=_lottery(clp),
        person=factories.PersonFactory(constituency=clp), date_of_birth=D(1980, 1, 1),
    )  # fmt: skip


def _delegate(clp):
    from finance.models import FinanceDelegate

    return FinanceDelegate.objects.create(
        constituency=clp, person=factories.PersonFactory(constituency=clp)
    )


def _payment(clp):
    event = make_event(clp, price=Decimal("3.00"))
    booking = rsvp_create(event=event, person=member(clp), answer="yes",
                          source="portal", actor=None)  # fmt: skip
    return services.booking_pay(actor=None, booking=booking,
                                constituency_id=clp.pk, method="cash")  # fmt: skip


MAKERS = {
    "donor": _donor,
    "donation": _donation,
    "entry": _entry,
    "budget": _budget,
    "bankline": _line,
    "standingorder": _order,
    "lottery": _lottery,
    "lotteryticket": _ticket,
    "financedelegate": _delegate,
    "bookingpayment": _payment,
}


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_finance_lists_stay_flat_and_scoped(client, clp_a, clp_b, name):
    make = MAKERS[name]
    client.force_login(_actor(clp_a))
    url = reverse(f"admin:finance_{name}_changelist")
    for _ in range(2):
        make(clp_a)
        make(clp_b)
    _queries(client, url)
    few, response = _queries(client, url)
    assert response.context_data["cl"].result_count == 2
    for _ in range(4):
        make(clp_a)
        make(clp_b)
    many, response = _queries(client, url)
    assert many == few
    assert response.context_data["cl"].result_count == 6
