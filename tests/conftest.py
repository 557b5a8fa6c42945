import pytest
from django.core.cache import cache

from tests import factories


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate limits and other cached state must not leak between tests.
    cache.clear()
    yield


@pytest.fixture
def clp_a(db):
    return factories.ConstituencyFactory(name="Hodge Hill", slug="hodge-hill")


@pytest.fixture
def clp_b(db):
    return factories.ConstituencyFactory(name="Reading West", slug="reading-west")


@pytest.fixture
def officer_a(clp_a):
    return factories.officer(clp_a, role="secretary")


@pytest.fixture
def officer_b(clp_b):
    return factories.officer(clp_b, role="secretary")


@pytest.fixture
def member_a(clp_a):
    return factories.member_user(clp_a)


@pytest.fixture
def superuser(db):
    user = factories.UserFactory(is_superuser=True, is_staff=True)
    return user
