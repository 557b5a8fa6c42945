"""The cast for interests, candidates, forums and post: people in two CLPs."""

import pytest

from members.models import Interest
from tests import factories


def member(clp, *, first_name, last_name, email=None, ward=None, **kwargs):
    """A current member living in `clp` (email=None: a sequence address)."""
    person_kwargs = {"constituency": clp, "first_name": first_name}
    person_kwargs["last_name"] = last_name
    if email is not None:
        person_kwargs["email"] = email
    if ward is not None:
        person_kwargs["ward"] = ward
    person_kwargs.update(kwargs)
    person = factories.PersonFactory(**person_kwargs)
    factories.MembershipFactory(person=person)
    return person


@pytest.fixture
def governor(db):
    # Seeded by the data migration (get_or_create: a transactional test elsewhere
    # in the run may have flushed it).
    return Interest.objects.get_or_create(
        name="School governor", defaults={"kind": "role"}
    )[0]


@pytest.fixture
def welsh(db):
    return Interest.objects.get_or_create(name="Welsh", defaults={"kind": "language"})[
        0
    ]
