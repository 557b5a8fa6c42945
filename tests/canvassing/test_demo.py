"""The demo's canvassing fills itself once: seeding twice changes nothing."""

from __future__ import annotations

from django.utils import timezone

from canvassing.demo import seed_demo_app
from canvassing.models import CanvassLead, DoorstepReturn, Elector, Walk
from tests import factories


def test_the_demo_register_seeds_twice_without_duplicates(clp_a):
    factories.WardFactory(constituency=clp_a, name="North")
    factories.WardFactory(constituency=clp_a, name="South")
    user = factories.UserFactory(email="member@hodgehill.example.org")
    factories.PersonFactory(constituency=clp_a, user=user, email=user.email)
    today = timezone.localdate()
    seed_demo_app(constituencies=[clp_a], today=today)
    counts = [m.objects.count() for m in (Elector, Walk, DoorstepReturn, CanvassLead)]
    assert counts[0] > 500 and counts[2] == 280 and counts[3] == 1
    seed_demo_app(constituencies=[clp_a], today=today)
    again = [m.objects.count() for m in (Elector, Walk, DoorstepReturn, CanvassLead)]
    assert again == counts
    assert Elector.objects.exclude(intention="").exists()
