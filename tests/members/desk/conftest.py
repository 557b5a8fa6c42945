import datetime

import pytest
from django.utils import timezone

from members.models import Mentor
from tests import factories


def new_member(constituency, *, branch=None, days_ago=2, **person_kwargs):
    person = factories.PersonFactory(constituency=constituency, **person_kwargs)
    factories.MembershipFactory(
        person=person,
        branch=branch,
        joined=timezone.localdate() - datetime.timedelta(days=days_ago),
    )
    return person


def make_mentor(constituency, *, branch=None, capacity=2, **person_kwargs):
    person = factories.PersonFactory(constituency=constituency, **person_kwargs)
    factories.MembershipFactory(person=person)
    return Mentor.objects.create(
        person=person, constituency=constituency, branch=branch, capacity=capacity
    )


@pytest.fixture
def secretary_a(clp_a):
    """The membership secretary of clp_a (a login with 2FA)."""
    return factories.officer(clp_a, role="membership_secretary")


@pytest.fixture
def secretary_b(clp_b):
    return factories.officer(clp_b, role="membership_secretary")
