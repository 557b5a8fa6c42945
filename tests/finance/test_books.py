"""The CLP's books: a social's ticket income and costs show its profit, the
year-end summary adds up by fund and category, the door takes payments into
the books, and lists stay flat in queries."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Booking
from events.services import rsvp_create
from finance import selectors, services
from finance.models import BookingPayment, Category, Entry, Fund
from partyhub.errors import DomainError
from tests import factories
from tests.events.conftest import make_event, member

D = datetime.date


def _entry(actor, clp, direction, category, amount, day, fund=Fund.GENERAL, **kw):
    return services.entry_create(
        actor=actor, constituency=clp, date=day, direction=direction,
        category=category, fund=fund, amount=Decimal(amount),
        description=kw.pop("description", "x"), **kw,
    )  # fmt: skip


def test_a_socials_ticket_income_and_costs_show_its_profit(client, clp_a, treasurer_a):
    social = make_event(clp_a, title="Quiz night", price=Decimal("8.00"))
    services.budget_save(
        actor=treasurer_a, constituency=clp_a, title="Quiz night", event=social,
        planned_income=Decimal("400.00"), planned_costs=Decimal("150.00"),
    )  # fmt: skip
    _entry(
        treasurer_a, clp_a, "in", Category.EVENTS, "312.00", D(2026, 3, 1), event=social
    )
    _entry(
        treasurer_a, clp_a, "out", Category.VENUE, "120.00", D(2026, 3, 1), event=social
    )
    _entry(
        treasurer_a,
        clp_a,
        "out",
        Category.CATERING,
        "45.50",
        D(2026, 3, 2),
        event=social,
    )
    actuals = selectors.event_actuals(None, [social.pk])[social.pk]
    assert actuals.profit == Decimal("146.50")
    client.force_login(treasurer_a)
    page = client.get(reverse("admin:finance_budget_changelist")).content.decode()
    assert "312.00" in page and "165.50" in page and "146.50" in page


def test_the_year_end_summary_adds_up(client, clp_a, clp_b, treasurer_a, treasurer_b):
    _entry(treasurer_a, clp_a, "in", Category.SUBSCRIPTIONS, "1000.00", D(2025, 6, 1))
    _entry(treasurer_a, clp_a, "out", Category.PRINTING, "200.00", D(2025, 7, 1),
           fund=Fund.CAMPAIGN)  # fmt: skip
    _entry(treasurer_a, clp_a, "in", Category.SUBSCRIPTIONS, "1200.00", D(2026, 2, 1))
    _entry(treasurer_a, clp_a, "in", Category.FUNDRAISING, "300.00", D(2026, 4, 1),
           fund=Fund.ELECTION)  # fmt: skip
    _entry(treasurer_a, clp_a, "out", Category.VENUE, "250.00", D(2026, 5, 1))
    _entry(treasurer_a, clp_a, "out", Category.PRINTING, "99.99", D(2026, 6, 1),
           fund=Fund.CAMPAIGN)  # fmt: skip
    _entry(treasurer_b, clp_b, "in", Category.DONATIONS, "5000.00", D(2026, 6, 1))
    summary = selectors.year_summary({clp_a.pk}, D(2026, 1, 1), D(2026, 12, 31))
    funds = {f.fund: f for f in summary.funds}
    assert funds["general"].opening == Decimal("1000.00")
    assert funds["campaign"].opening == Decimal("-200.00")
    assert funds["general"].closing == Decimal("1950.00")
    assert funds["campaign"].closing == Decimal("-299.99")
    assert funds["election"].closing == Decimal("300.00")
    assert summary.total_income == Decimal("1500.00")
    assert summary.total_expenditure == Decimal("349.99")
    assert summary.opening + summary.surplus == summary.closing == Decimal("1950.01")
    assert [(line.key, line.amount) for line in summary.income] == [
        ("fundraising", Decimal("300.00")),
        ("subscriptions", Decimal("1200.00")),
    ]
    client.force_login(treasurer_a)
    page = client.get(reverse("admin:finance_entry_summary") + "?year=2026")
    body = page.content.decode()
    assert "1950.01" in body and "5000.00" not in body


def test_every_officer_reads_the_books_only_finance_writes(
    clp_a, clp_b, treasurer_a, client
):
    secretary = factories.officer(clp_a, role="secretary")
    _entry(treasurer_a, clp_a, "in", Category.OTHER, "10.00", D(2026, 1, 1),
           description="Tombola")  # fmt: skip
    client.force_login(secretary)
    assert (
        "Tombola"
        in client.get(reverse("admin:finance_entry_changelist")).content.decode()
    )
    with pytest.raises(DomainError):
        _entry(secretary, clp_a, "in", Category.OTHER, "10.00", D(2026, 1, 1))
    other = factories.officer(clp_b, role="treasurer")
    client.force_login(other)
    assert (
        "Tombola"
        not in client.get(reverse("admin:finance_entry_changelist")).content.decode()
    )


@pytest.fixture
def paid_social(clp_a):
    return make_event(clp_a, title="Curry night", price=Decimal("12.00"),
                      concession_price=Decimal("6.00"), capacity=50)  # fmt: skip


def _book(event, person):
    return rsvp_create(event=event, person=person, answer="yes", source="portal",
                       actor=None)  # fmt: skip


def test_the_door_takes_payments_into_the_books(client, clp_a, paid_social):
    door_keeper = factories.officer(clp_a, role="social_secretary")
    full = _book(paid_social, member(clp_a))
    concession = _book(paid_social, member(clp_a))
    client.force_login(door_keeper)
    door = reverse("admin:events_event_door", args=[paid_social.pk])
    assert "Paid" in client.get(door).content.decode()
    pay = reverse("finance:door_pay", args=[paid_social.pk, full.pk])
    assert client.post(pay, {"method": "cash"}).status_code == 302
    client.post(
        reverse("finance:door_pay", args=[paid_social.pk, concession.pk]),
        {"method": "card", "concession": "1"},
    )
    # A double tap records one payment.
    client.post(pay, {"method": "cash"})
    payments = BookingPayment.objects.order_by("pk")
    assert [(p.amount, p.method, p.concession) for p in payments] == [
        (Decimal("12.00"), "cash", False),
        (Decimal("6.00"), "card", True),
    ]
    assert selectors.event_actuals(None, [paid_social.pk])[paid_social.pk].income == (
        Decimal("18.00")
    )
    assert Entry.objects.filter(event=paid_social, category="events").count() == 2
    body = client.get(door).content.decode()
    assert "Paid £12.00 (Cash at the door)" in body


def test_another_clps_officer_cannot_take_a_payment(client, clp_a, clp_b, paid_social):
    booking = _book(paid_social, member(clp_a))
    client.force_login(factories.officer(clp_b, role="social_secretary"))
    response = client.post(
        reverse("finance:door_pay", args=[paid_social.pk, booking.pk]),
        {"method": "cash"},
    )
    assert response.status_code == 404
    assert not BookingPayment.objects.exists()


def test_the_door_list_stays_flat_in_queries(client, clp_a, paid_social):
    door_keeper = factories.officer(clp_a, role="social_secretary")
    client.force_login(door_keeper)
    door = reverse("admin:events_event_door", args=[paid_social.pk])
    for _ in range(2):
        _book(paid_social, member(clp_a))
    client.get(door)
    with CaptureQueriesContext(connection) as few:
        client.get(door)
    for _ in range(6):
        b = _book(paid_social, member(clp_a))
        services.booking_pay(actor=door_keeper, booking=b, constituency_id=clp_a.pk,
                             method="cash")  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        client.get(door)
    assert len(many) == len(few)
    assert Booking.objects.filter(event=paid_social).count() == 8


def test_a_receipt_is_downloaded_only_through_the_scoped_admin(
    client, clp_a, treasurer_a, treasurer_b, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    entry = _entry(
        treasurer_a, clp_a, "out", Category.PRINTING, "60.00", D(2026, 2, 2),
        receipt=SimpleUploadedFile("invoice.pdf", b"%PDF-1.4 invoice"),
    )  # fmt: skip
    url = reverse("admin:finance_entry_receipt", args=[entry.pk])
    client.force_login(treasurer_a)
    page = client.get(reverse("admin:finance_entry_change", args=[entry.pk]))
    assert url in page.text and "/media/" not in page.text
    assert b"".join(client.get(url).streaming_content) == b"%PDF-1.4 invoice"
    client.force_login(treasurer_b)
    assert client.get(url).status_code == 404
