"""The 200 club: registered with the local authority, tickets only to people 16
or over, the prize and proceeds caps, at least 20% to the party's purposes, the
return due within three months, drawn reproducibly."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from finance import selectors, services
from finance.models import LotteryTicket
from partyhub.errors import DomainError
from tests import factories

D = datetime.date


def _lottery(actor, clp, **kw):
    values = {
        "name": "200 club — spring",
        "local_authority": "Birmingham City Council",
        "registration_number": "SSL/2026/041",
        "ticket_price": Decimal("10.00"),
        "draw_date": timezone.localdate(),
        "prizes": 2,
        "largest_prize": Decimal("20.00"),
        "prize_total": Decimal("30.00"),
        "expenses": Decimal("5.00"),
    }
    values.update(kw)
    return services.lottery_create(actor=actor, constituency=clp, **values)


ADULT = D(1980, 5, 1)


def test_registration_with_the_council_is_required(clp_a, treasurer_a):
    with pytest.raises(DomainError, match="registration with the local authority"):
        _lottery(treasurer_a, clp_a, registration_number="")


def test_tickets_only_to_16_or_over(clp_a, treasurer_a):
    lottery = _lottery(treasurer_a, clp_a)
    person = factories.PersonFactory(constituency=clp_a)
    today = timezone.localdate()
    sixteen_tomorrow = D(today.year - 16, today.month, today.day) + datetime.timedelta(
        days=1
    )
    with pytest.raises(DomainError, match="aged 16 or over"):
        services.ticket_sell(actor=treasurer_a, lottery=lottery, person=person,
                             date_of_birth=sixteen_tomorrow)  # fmt: skip
    ticket = services.ticket_sell(
        actor=treasurer_a, lottery=lottery, person=person,
        date_of_birth=sixteen_tomorrow - datetime.timedelta(days=1),
    )  # fmt: skip
    assert ticket.number == 1 and ticket.price == Decimal("10.00")


def test_the_prize_cap(clp_a, treasurer_a):
    with pytest.raises(DomainError, match="No prize may be over £25,000.00"):
        _lottery(treasurer_a, clp_a, largest_prize=Decimal("25000.01"),
                 prize_total=Decimal("26000"))  # fmt: skip


def test_at_least_a_fifth_to_purposes_and_a_reproducible_draw(clp_a, treasurer_a):
    lottery = _lottery(treasurer_a, clp_a)
    people = [factories.PersonFactory(constituency=clp_a) for _ in range(4)]
    for person in people[:4]:
        services.ticket_sell(actor=treasurer_a, lottery=lottery, person=person,
                             date_of_birth=ADULT)  # fmt: skip
    # £40 in; £30 prizes and £5 expenses leave £5, under 20% (£8).
    with pytest.raises(DomainError, match="At least 20% of the proceeds"):
        services.lottery_draw(actor=treasurer_a, lottery=lottery)
    services.ticket_sell(actor=treasurer_a, lottery=lottery, person=people[0],
                         date_of_birth=ADULT)  # fmt: skip
    # £50 in, £15 to purposes (30%): the draw goes ahead.
    drawn = services.lottery_draw(actor=treasurer_a, lottery=lottery, seed="abc123")
    assert drawn.entrants == [1, 2, 3, 4, 5]
    assert len(drawn.winners) == 2 and set(drawn.winners) <= {1, 2, 3, 4, 5}
    assert services.lottery_verify(drawn)
    with pytest.raises(DomainError, match="already been drawn"):
        services.lottery_draw(actor=treasurer_a, lottery=drawn)
    with pytest.raises(DomainError, match="no more tickets"):
        services.ticket_sell(actor=treasurer_a, lottery=drawn, person=people[1],
                             date_of_birth=ADULT)  # fmt: skip
    assert LotteryTicket.objects.count() == 5


def test_the_return_is_due_within_three_months_and_flagged(
    client, clp_a, clp_b, treasurer_a, treasurer_b
):
    lottery = _lottery(treasurer_a, clp_a, draw_date=D(2026, 11, 30), prizes=1,
                       largest_prize=Decimal("5"), prize_total=Decimal("5"),
                       expenses=Decimal("0"))  # fmt: skip
    assert services.return_due(lottery) == D(2027, 2, 28)
    services.ticket_sell(actor=treasurer_a, lottery=lottery,
                         person=factories.PersonFactory(constituency=clp_a),
                         date_of_birth=ADULT, sold_on=D(2026, 11, 1))  # fmt: skip
    services.lottery_draw(actor=treasurer_a, lottery=lottery)
    assert [
        lot.pk for lot, _due in selectors.lottery_returns_outstanding({clp_a.pk})
    ] == [lottery.pk]
    assert selectors.lottery_returns_outstanding({clp_b.pk}) == []
    client.force_login(treasurer_a)
    todos = {t.key: t for t in client.get(reverse("admin:index")).context["todos"]}
    assert todos["lottery_returns"].count == 1
    assert todos["lottery_returns"].due == D(2027, 2, 28)
    listed = client.get(todos["lottery_returns"].url)
    assert listed.context_data["cl"].result_count == 1
    services.lottery_return_sent(
        actor=treasurer_a, lottery=lottery, sent_on=D(2026, 12, 2)
    )
    assert selectors.lottery_returns_outstanding({clp_a.pk}) == []
    with pytest.raises(DomainError):
        services.lottery_return_sent(actor=treasurer_b, lottery=lottery,
                                     sent_on=D(2026, 12, 2))  # fmt: skip
