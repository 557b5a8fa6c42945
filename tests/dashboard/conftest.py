"""A small party in two constituencies with something on every to-do list."""

import datetime

import pytest
from django.utils import timezone

from members.models import Membership
from networks.models import Network, NetworkMembership
from partyhub.personal_data.models import DataRequest
from supporters.models import Ask, AskReply, HelpOffer, SignupRequest
from tests import factories

Status = Membership.Status


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def member(clp, last_name="Member", **membership):
    person = factories.PersonFactory(constituency=clp, last_name=last_name)
    membership.setdefault("joined", days_ago(800))
    factories.MembershipFactory(person=person, **membership)
    return person


def fill(clp, scale: int = 1, network=None) -> None:
    """`scale` of each kind of row that appears on a to-do list, and some that
    do not, in one constituency."""
    offer, _ = HelpOffer.objects.get_or_create(
        slug=f"poster-{clp.slug}", defaults={"label": "Display a poster"}
    )
    ask = Ask.objects.create(constituency=clp, offer=offer, subject="Posters", body="x")
    for n in range(scale):
        member(clp, "Newjoiner", joined=days_ago(5))
        member(clp, "Arrears", status=Status.ARREARS, status_since=days_ago(10))
        member(clp, "Expiring", expires=days_ago(-10))
        member(clp, "Settled")
        member(clp, "Gone", status=Status.LAPSED, status_since=days_ago(40))
        person = member(clp, "Eraseme")
        DataRequest.objects.create(
            person=person, constituency=clp, kind=DataRequest.Kind.ERASURE
        )
        SignupRequest.objects.create(
            email=f"s{n}-{clp.slug}@example.org", data={}, constituency=clp
        )
        AskReply.objects.create(
            ask=ask, person=member(clp, "Helper"), answer=AskReply.Answer.YES
        )
        if network is not None:
            NetworkMembership.objects.create(
                network=network,
                person=member(clp, "Joiner"),
                status=NetworkMembership.Status.PENDING,
            )


@pytest.fixture
def network(clp_a, clp_b):
    network = Network.objects.create(name="Health", open_to=Network.OpenTo.MEMBERS)
    network.constituencies.add(clp_a, clp_b)
    return network


@pytest.fixture
def party(clp_a, clp_b, network):
    fill(clp_a, scale=2, network=network)
    fill(clp_b, scale=1, network=network)
