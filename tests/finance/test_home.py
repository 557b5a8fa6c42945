"""The treasurer's home flags donations not accepted or returned within 30 days;
the count is the number of rows its list shows; other officers get no such item."""

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from finance import services
from tests import factories

HOME = reverse("admin:index")


def _record(actor, clp, days_ago):
    donor = services.donor_for_person(
        actor=actor, constituency=clp, person=factories.PersonFactory(constituency=clp)
    )
    return services.donation_record(
        actor=actor, donor=donor, value=Decimal("40.00"),
        received_on=timezone.localdate() - datetime.timedelta(days=days_ago),
    )  # fmt: skip


def test_the_treasurers_home_flags_donations_past_30_days(
    client, clp_a, clp_b, treasurer_a, treasurer_b
):
    _record(treasurer_a, clp_a, 31)
    _record(treasurer_a, clp_a, 45)
    _record(treasurer_a, clp_a, 29)
    _record(treasurer_b, clp_b, 60)
    client.force_login(treasurer_a)
    response = client.get(HOME)
    todos = {t.key: t for t in response.context["todos"]}
    assert todos["donations_overdue"].count == 2
    assert todos["donations_waiting"].count == 3
    # The treasurer's own work comes first.
    assert response.context["todos"][0].topic == "finance"
    assert 'data-todo="donations_overdue">2<' in response.text
    for key in ("donations_overdue", "donations_waiting"):
        listed = client.get(todos[key].url)
        assert listed.context_data["cl"].result_count == todos[key].count


def test_other_officers_get_no_donation_items(client, clp_a, treasurer_a):
    _record(treasurer_a, clp_a, 40)
    client.force_login(factories.officer(clp_a, role="membership_secretary"))
    keys = {t.key for t in client.get(HOME).context["todos"]}
    assert not keys & {"donations_overdue", "donations_waiting"}
