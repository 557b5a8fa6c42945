import datetime

import pytest
from django.utils import timezone

from events.models import Event
from tests import factories


def make_event(*constituencies, **kw) -> Event:
    starts = kw.pop("starts", timezone.now() + datetime.timedelta(days=7))
    defaults = {
        "kind": Event.Kind.SOCIAL,
        "title": "Summer barbecue",
        "venue": "Community hall",
        "starts": starts,
        "ends": starts + datetime.timedelta(hours=3),
        "audience": Event.Audience.MEMBERS_AND_SUPPORTERS,
        "status": Event.Status.PUBLISHED,
    }
    defaults.update(kw)
    event = Event.objects.create(**defaults)
    event.constituencies.set(constituencies)
    return event


def member(clp):
    person = factories.PersonFactory(constituency=clp)
    factories.MembershipFactory(person=person)
    return person


@pytest.fixture
def event(clp_a):
    return make_event(clp_a, capacity=2)
