import pytest

from members.models import Membership
from partyhub.comms.consent import consent_record
from partyhub.comms.models import Channel, Message, Method, Segment
from tests import factories


def grant_email(person, **kwargs):
    return consent_record(
        person=person,
        channel=Channel.EMAIL,
        granted=True,
        method=kwargs.pop("method", Method.SIGNUP_FORM),
        wording="Yes, email me about the party's news and events.",
        **kwargs,
    )


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
