import pytest

from members.models import Postcode
from tests import factories


@pytest.fixture
def member_b(clp_a):
    """A second member of the same CLP: the other one of every access test."""
    user = factories.UserFactory()
    person = factories.PersonFactory(
        constituency=clp_a,
        user=user,
        email=user.email,
        first_name="Zebedee",
        last_name="Quartermaine",
    )
    factories.MembershipFactory(person=person)
    return user


@pytest.fixture
def known_postcode(clp_a):
    ward = factories.WardFactory(constituency=clp_a, name="Washwood Heath")
    Postcode.objects.create(postcode="B8 1AA", ward=ward, constituency=clp_a)
    return ward
