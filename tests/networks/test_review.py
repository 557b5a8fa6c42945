"""Review of issue 9: the holes found and closed, each shown as a user meets it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from networks.models import Network, NetworkMembership
from networks.services import NetworkError, network_join, network_join_url
from supporters.models import Supporter
from tests import factories
from tests.networks.conftest import path_of


def _supporter(clp, **kw):
    person = factories.PersonFactory(constituency=clp, **kw)
    Supporter.objects.create(
        person=person,
        constituency=clp,
        status=Supporter.Status.CONFIRMED,
        joined=timezone.localdate(),
    )
    return person


@pytest.fixture
def clp_c(db):
    return factories.ConstituencyFactory(name="Elsewhere", slug="elsewhere")


def test_a_member_of_a_clp_the_network_does_not_span_cannot_join_it(
    client, clp_c, governors
):
    outsider = factories.member_user(clp_c)
    client.force_login(outsider)
    assert "School governors" not in client.get(reverse("networks:mine")).text
    response = client.post(reverse("networks:join", args=[governors.pk]), follow=True)
    assert "not open to people in your constituency" in response.text
    assert not NetworkMembership.objects.exists()
    assert (
        client.get(reverse("networks:detail", args=[governors.pk])).status_code == 404
    )


def test_a_signed_link_joins_nobody_from_a_clp_the_network_does_not_span(
    client, clp_a, clp_c
):
    network = Network.objects.create(
        name="Community improvement", open_to=Network.OpenTo.MEMBERS_AND_SUPPORTERS
    )
    network.constituencies.add(clp_a)
    supporter = _supporter(clp_c)
    page = client.post(
        path_of(network_join_url(network_id=network.pk, person_id=supporter.pk))
    )
    assert "not open to people in your constituency" in page.text
    assert not NetworkMembership.objects.exists()
    with pytest.raises(NetworkError):
        network_join(network=network, person=supporter, actor=None)
