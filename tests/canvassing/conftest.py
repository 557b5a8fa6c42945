"""Helpers for the canvassing tests: register files and a small register."""

from __future__ import annotations

import csv
import io

import pytest

from canvassing.models import CanvassLead, Imprint, PollingDistrict
from canvassing.services import register_import
from tests import factories

HEADER = ["Elector Number", "Surname", "First Names", "Address 1", "Address 2",
          "Postcode", "Markers"]  # fmt: skip


def register_csv(rows: list[list[str]], header: list[str] | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header or HEADER)
    writer.writerows(rows)
    return out.getvalue().encode()


SMALL = [
    ["1", "Adams", "Ann", "1 High Street", "", "B8 1AA", ""],
    ["2", "Adams", "Bob", "1 High Street", "", "B8 1AA", "P"],
    ["3", "Brown", "Cath", "2 High Street", "", "B8 1AA", ""],
    ["4", "Clark", "Dev", "3 High Street", "", "B8 1AA", ""],
    ["5", "Dunn", "Eve", "Flat 1", "4 High Street", "B8 1AA", "A"],
    ["6", "Evans", "Fay", "10 Mill Lane", "", "B8 1AB", ""],
    ["7", "Ford", "Gus", "12 Mill Lane", "", "B8 1AB", ""],
    ["8", "Green", "Hal", "11 Mill Lane", "", "B8 1AB", ""],
]


@pytest.fixture
def ward_a(clp_a):
    return factories.WardFactory(constituency=clp_a, name="Hodge Hill ward")


@pytest.fixture
def district_a(clp_a, ward_a, officer_a):
    district = PollingDistrict.objects.create(
        constituency=clp_a, ward=ward_a, code="HA1", name="Hodge Hill North"
    )
    register_import(
        district=district, data=register_csv(SMALL), update=False, actor=officer_a
    )
    return district


@pytest.fixture
def imprint_a(clp_a):
    return Imprint.objects.create(
        constituency=clp_a,
        promoter="Pat Agent",
        on_behalf_of="Sam Candidate",
        address="1 Party House, Birmingham B8 1AA",
    )


@pytest.fixture
def lead_a(clp_a):
    """A member (no office) appointed canvass lead of CLP A."""
    user = factories.member_user(clp_a)
    CanvassLead.objects.create(constituency=clp_a, person=user.person)
    return user
