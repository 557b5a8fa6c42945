import pytest

from tests import factories


@pytest.fixture
def treasurer_a(clp_a):
    return factories.officer(clp_a, role="treasurer")


@pytest.fixture
def treasurer_b(clp_b):
    return factories.officer(clp_b, role="treasurer")


@pytest.fixture
def chair_a(clp_a):
    return factories.officer(clp_a, role="chair")


@pytest.fixture
def donor_person(clp_a):
    person = factories.PersonFactory(
        constituency=clp_a,
        first_name="Dora",
        last_name="Donne",
        address_line_1="3 Elm Road",
        town="Birmingham",
        postcode="B8 1AA",
    )
    factories.MembershipFactory(person=person)
    return person
