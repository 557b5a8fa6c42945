"""Regular giving: standing orders with expected amounts, missed payments flagged,
thank-you emails (once per donation) and letters."""

import csv
import datetime
import io
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from finance import selectors, services
from finance.models import Donation, DonorKind, StandingOrder
from partyhub.comms.models import Reminder

D = datetime.date


JAN_15 = D(2026, 1, 15)


def _order(actor, clp, person, first=JAN_15, frequency="monthly"):
    donor = services.donor_for_person(actor=actor, constituency=clp, person=person)
    return services.standing_order_create(
        actor=actor, donor=donor, amount="10.00", frequency=frequency,
        first_payment=first,
    )  # fmt: skip


def _paid(actor, order, day):
    return services.donation_record(
        actor=actor, donor=order.donor, value=order.amount, received_on=day,
        method=Donation.Method.STANDING_ORDER, standing_order=order,
    )  # fmt: skip


def test_due_dates_keep_the_day_or_the_months_last(clp_a, treasurer_a, donor_person):
    order = _order(treasurer_a, clp_a, donor_person, first=D(2026, 1, 31))
    assert order.due_dates(D(2026, 4, 30)) == [
        D(2026, 1, 31), D(2026, 2, 28), D(2026, 3, 31), D(2026, 4, 30),
    ]  # fmt: skip


def test_missed_payments_are_flagged(
    clp_a, clp_b, treasurer_a, treasurer_b, donor_person
):
    order = _order(treasurer_a, clp_a, donor_person)
    for day in (D(2026, 1, 15), D(2026, 2, 17), D(2026, 4, 14)):
        _paid(treasurer_a, order, day)
    today = D(2026, 5, 1)
    missed = selectors.missed_payments({clp_a.pk}, today)
    assert [(m.order.pk, m.missed) for m in missed] == [(order.pk, [D(2026, 3, 15)])]
    # Another CLP sees none of it.
    assert selectors.missed_payments({clp_b.pk}, today) == []
    # Stopped before March: nothing missing.
    services.standing_order_stop(actor=treasurer_a, order=order, ends=D(2026, 3, 1))
    order.refresh_from_db()
    assert order.due_dates(D(2026, 5, 1))[-1] == D(2026, 2, 15)


def test_the_home_lists_orders_with_a_missed_payment(
    client, clp_a, treasurer_a, donor_person
):
    _order(treasurer_a, clp_a, donor_person,
           first=timezone.localdate() - datetime.timedelta(days=80))  # fmt: skip
    client.force_login(treasurer_a)
    todos = {t.key: t for t in client.get(reverse("admin:index")).context["todos"]}
    assert todos["standing_orders_missed"].count == 1
    listed = client.get(todos["standing_orders_missed"].url)
    assert listed.context_data["cl"].result_count == 1
    assert StandingOrder.objects.count() == 1


def test_thank_you_email_once_and_letters(client, clp_a, treasurer_a, donor_person):
    donor = services.donor_for_person(
        actor=treasurer_a, constituency=clp_a, person=donor_person
    )
    gift = services.donation_record(
        actor=treasurer_a, donor=donor, value="25.00", received_on=D(2026, 6, 1)
    )
    company = services.donor_create(
        actor=treasurer_a, constituency=clp_a, kind=DonorKind.TRADE_UNION,
        name="Local Union Branch", address="Union House\nBirmingham",
    )  # fmt: skip
    union_gift = services.donation_record(
        actor=treasurer_a, donor=company, value="300.00", received_on=D(2026, 6, 2)
    )
    assert services.donation_thank(actor=treasurer_a, donation=gift) is True
    assert services.donation_thank(actor=treasurer_a, donation=gift) is True
    assert services.donation_thank(actor=treasurer_a, donation=union_gift) is False
    reminders = Reminder.objects.filter(kind=services.REMINDER_THANK_YOU)
    assert reminders.count() == 1
    text = services.thank_you_letters_csv(
        actor=treasurer_a, donations=Donation.objects.order_by("pk")
    )
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][0] == "Dora Donne" and rows[1][3] == "25.00"
    assert rows[2][:2] == ["Local Union Branch", "Union House, Birmingham"]
    assert Decimal(rows[2][3]) == Decimal("300.00")
