"""Shared cast for the networks tests: a school governors network spanning two CLPs
with a co-ordinator in CLP A, and a consultation with two sections."""

import datetime

import pytest
from django.utils import timezone

from members.models import Interest, PersonInterest
from networks.models import Consultation, Network, Section
from tests import factories
from tests.helpers import grant_email


@pytest.fixture
def member_b(clp_b):
    return factories.member_user(clp_b)


@pytest.fixture
def coordinator(clp_a):
    person = factories.PersonFactory(
        constituency=clp_a, last_name="Coordinator", user=factories.UserFactory()
    )
    factories.MembershipFactory(person=person)
    return person


@pytest.fixture
def governors(clp_a, clp_b, coordinator):
    network = Network.objects.create(
        name="School governors",
        topic="Education",
        description="Governors of local schools.",
        open_to=Network.OpenTo.MEMBERS,
    )
    network.constituencies.add(clp_a, clp_b)
    network.coordinators.add(coordinator, through_defaults={"appointed_for": clp_a})
    return network


@pytest.fixture
def consultation(governors):
    consultation = Consultation.objects.create(
        network=governors,
        title="Schools White Paper",
        document="White Paper: Every child achieving",
        summary="What the government proposes.",
        deadline=timezone.localdate() + datetime.timedelta(days=30),
    )
    Section.objects.create(consultation=consultation, number=1, title="Admissions")
    Section.objects.create(consultation=consultation, number=2, title="Funding")
    return consultation


@pytest.fixture
def school_governor_interest(db):
    # The register's seed list (a data migration) already offers it.
    interest, _ = Interest.objects.get_or_create(
        name="School governor", defaults={"kind": Interest.Kind.ROLE}
    )
    return interest


def member(clp, *, interest=None, consent=True, **kw):
    person = factories.PersonFactory(constituency=clp, **kw)
    factories.MembershipFactory(person=person)
    if interest is not None:
        PersonInterest.objects.create(person=person, interest=interest)
    if consent:
        grant_email(person)
    return person


def path_of(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def pdf_text(content: bytes) -> str:
    """The text drawn in a reportlab PDF: its content streams are ASCII85 then
    Flate encoded."""
    import base64
    import re
    import zlib

    chunks = []
    for match in re.finditer(rb"\bstream\r?\n(.*?)endstream", content, re.DOTALL):
        data = match.group(1).strip()
        if data.endswith(b"~>"):
            data = data[:-2]
        try:
            chunks.append(zlib.decompress(base64.a85decode(data)).decode("latin-1"))
        except (ValueError, zlib.error):
            continue  # fonts and images
    return "".join(chunks)
