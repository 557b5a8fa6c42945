"""Fixtures for the national list import: two CLPs with wards, branches and a
postcode lookup."""

from __future__ import annotations

import pytest

from members.models import Postcode
from tests import factories

HEADER = (
    "Membership Number,Forename,Surname,Email address,Address1,Post Code,"
    "Membership status,Join date,Expiry date,Phone,Trade union\n"
)


def csv_bytes(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return (header + "".join(r + "\n" for r in rows)).encode(encoding)


def row(
    number="L0000001",
    first="Alice",
    last="Adams",
    email="alice@example.org",
    address="1 High Street",
    postcode="B8 1AA",
    status="Current",
    joined="01/02/2020",
    expires="2027-02-01",
    phone="",
    union="",
) -> str:
    return ",".join(
        [number, first, last, email, address, postcode, status, joined, expires]
        + [phone, union]
    )


@pytest.fixture
def area_a(clp_a):
    """Two wards of CLP A, each its own branch, with a postcode each."""
    north = factories.WardFactory(
        constituency=clp_a, name="North", ons_code="E05990001"
    )
    south = factories.WardFactory(
        constituency=clp_a, name="South", ons_code="E05990002"
    )
    north_branch = factories.BranchFactory(constituency=clp_a, name="North branch")
    north_branch.wards.set([north])
    south_branch = factories.BranchFactory(constituency=clp_a, name="South branch")
    south_branch.wards.set([south])
    Postcode.objects.create(postcode="B8 1AA", ward=north, constituency=clp_a)
    Postcode.objects.create(postcode="B8 2BB", ward=south, constituency=clp_a)
    return {
        "north": north,
        "south": south,
        "north_branch": north_branch,
        "south_branch": south_branch,
    }


@pytest.fixture
def area_b(clp_b):
    west = factories.WardFactory(constituency=clp_b, name="West", ons_code="E05990009")
    Postcode.objects.create(postcode="RG30 1AA", ward=west, constituency=clp_b)
    return {"west": west}


@pytest.fixture
def membership_secretary_a(clp_a):
    return factories.officer(clp_a, role="membership_secretary")


@pytest.fixture
def tasks_run_on_commit(client, django_capture_on_commit_callbacks, monkeypatch):
    """Each client.post runs the tasks it queued (the import's check and apply)
    when its transaction commits, as a worker would pick them up."""
    from partyhub.celery import app

    app.conf.task_always_eager = True
    monkeypatch.setattr(
        client, "post", _running_tasks(client.post, django_capture_on_commit_callbacks)
    )
    yield
    app.conf.task_always_eager = False


def _running_tasks(post, capture):
    def post_and_run(*args, **kwargs):
        with capture(execute=True):
            return post(*args, **kwargs)

    return post_and_run
