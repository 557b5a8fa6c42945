"""The organisation and its people, one module per area.

Everyone the party knows is one Person; membership, offices and elected roles are
records attached to that Person, never copies of them.
"""

from members.models.offices import ElectedRepresentative, Office, OfficeQuerySet
from members.models.organisation import Branch, Constituency, Postcode, Ward
from members.models.people import (
    Availability,
    Membership,
    MembershipQuerySet,
    Person,
    PersonQuerySet,
)
from members.models.privacy import ErasureRequest
from members.models.talent import Interest, PersonInterest

__all__ = [
    "Availability",
    "Branch",
    "Constituency",
    "ElectedRepresentative",
    "ErasureRequest",
    "Interest",
    "Membership",
    "MembershipQuerySet",
    "Office",
    "OfficeQuerySet",
    "Person",
    "PersonInterest",
    "PersonQuerySet",
    "Postcode",
    "Ward",
]

from members.models.imports import ImportRun, MembershipImportState  # noqa: E402

__all__ += ["ImportRun", "MembershipImportState"]
