import pytest
from django.urls import reverse

from members.models import Membership
from partyhub.comms.models import (
    Message,
    Segment,
)
from partyhub.comms.services import message_schedule
from tests import factories
from tests.helpers import grant_email


@pytest.fixture
def members_segment(clp_a):
    return Segment.objects.create(
        constituency=clp_a,
        name="Current members",
        criteria={"member_status": [Membership.Status.CURRENT]},
    )


@pytest.fixture
def make_message(clp_a, members_segment):
    def make(**kwargs):
        defaults = dict(
            constituency=clp_a,
            segment=members_segment,
            subject="Quiz night on Friday",
            body="Come to the **quiz**. [Details](https://example.org/quiz)",
        )
        defaults.update(kwargs)
        return Message.objects.create(**defaults)

    return make


@pytest.fixture
def member_factory(clp_a):
    def make(consent=True, status=Membership.Status.CURRENT, **person_kwargs):
        person = factories.PersonFactory(constituency=clp_a, **person_kwargs)
        factories.MembershipFactory(person=person, status=status)
        if consent:
            grant_email(person)
        return person

    return make


@pytest.fixture
def scheduled(make_message, officer_a, django_capture_on_commit_callbacks):
    def make(**kwargs):
        message = make_message(**kwargs)
        with django_capture_on_commit_callbacks(execute=False):
            message_schedule(message=message, actor=officer_a)
        return message

    return make


def admin_url(name, *args):
    return reverse(f"admin:comms_{name}", args=args)


def message_form(clp, segment, **extra):
    data = {
        "subject": "Quiz night",
        "body": "Come to the **quiz**.",
        "constituency": clp.pk,
        "segment": segment.pk if segment else "",
        "topic": "general",
        "kind": "message",
        "quarter": "",
        "sender_name": "",
        "reply_to": "",
    }
    data.update(extra)
    return data
