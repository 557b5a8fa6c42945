import datetime

import pytest
from django.core import mail
from django.utils import timezone

from members.models import Mentor
from partyhub.comms import sending
from tests import factories


def send_due(now=None) -> list:
    """Run the comms tick's reminder and sending steps; return the emails sent."""
    before = len(mail.outbox)
    sending.reminders_queue_due(now=now)
    while ids := sending.deliveries_claim():
        sending.deliveries_send(ids=ids)
    return mail.outbox[before:]


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
