"""The finance demo fills each CLP and runs twice without duplicating."""

from django.utils import timezone

from finance import selectors
from finance.demo import seed_demo_app
from finance.models import Budget, Donation, Donor, Entry
from tests import factories


def test_the_demo_is_idempotent_and_living(clp_a, clp_b):
    for clp in (clp_a, clp_b):
        for _ in range(10):
            factories.MembershipFactory(
                person=factories.PersonFactory(constituency=clp)
            )
    today = timezone.localdate()
    seed_demo_app(constituencies=[clp_a, clp_b], today=today)
    counts = [m.objects.count() for m in (Donor, Donation, Entry, Budget)]
    seed_demo_app(constituencies=[clp_a, clp_b], today=today)
    assert [m.objects.count() for m in (Donor, Donation, Entry, Budget)] == counts
    assert selectors.overdue({clp_a.pk}).count() == 1
    rows = selectors.reportable_rows({clp_a.pk}, today.year)
    assert [r.aggregated for r in rows] == [True, True]
