"""A petition signer is placed in the ward of their postcode, so their signature
counts towards that ward's signature target — online and on paper — but a public
form never moves a person to another constituency or ward."""

import datetime

import pytest

from campaigns.models import Measure, Signature, Target
from campaigns.services import (
    petition_paper_signatures_add,
    petition_sign,
    target_progress,
)
from members.models import Person, Postcode
from tests import factories
from tests.pending import confirm_pending


@pytest.fixture
def wards(clp_a, clp_b):
    washwood = factories.WardFactory(constituency=clp_a, name="Washwood Heath")
    tilehurst = factories.WardFactory(constituency=clp_b, name="Tilehurst")
    Postcode.objects.create(postcode="B8 1AA", ward=washwood, constituency=clp_a)
    Postcode.objects.create(postcode="RG30 4AB", ward=tilehurst, constituency=clp_b)
    return washwood, tilehurst


def _sign(petition, email, postcode):
    """Sign online and confirm from the email: the signature counts then."""
    request = petition_sign(
        petition=petition,
        data={
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": email,
            "postcode": postcode,
        },
    )
    confirm_pending(request)
    return Signature.objects.get(petition=petition, person__email__iexact=email)


def test_online_signer_counts_towards_their_wards_target(petition, wards):
    washwood, _tilehurst = wards
    target = Target.objects.create(
        campaign=petition.campaign,
        measure=Measure.SIGNATURES,
        ward=washwood,
        number=100,
        by=datetime.date(2099, 1, 1),
    )
    signature = _sign(petition, "ada@example.org", "b8 1aa")
    assert signature.person.ward == washwood
    assert target_progress(target).done == 1


def test_paper_signer_is_placed_in_their_ward(petition, wards, officer_a):
    washwood, _tilehurst = wards
    report = petition_paper_signatures_add(
        petition=petition, text="Charles Babbage, B8 1AA\n", actor=officer_a
    )
    assert report.applied and report.added == 1
    assert Person.objects.get(last_name="Babbage").ward == washwood


def test_signer_elsewhere_or_already_placed_is_not_moved(petition, wards, clp_a):
    washwood, _tilehurst = wards
    # A postcode in the other CLP: signed here, no ward of theirs to set.
    visitor = _sign(petition, "visitor@example.org", "RG30 4AB").person
    assert (visitor.constituency, visitor.ward) == (clp_a, None)
    # Someone already in a ward stays in it.
    hodge = factories.WardFactory(constituency=clp_a, name="Hodge Hill")
    known = factories.PersonFactory(
        constituency=clp_a, ward=hodge, email="known@example.org", postcode="B8 1AA"
    )
    _sign(petition, "known@example.org", "B8 1AA")
    known.refresh_from_db()
    assert known.ward == hodge
