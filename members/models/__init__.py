"""The organisation and its people, one module per area.

Everyone the party knows is one Person; membership, offices and elected roles are
records attached to that Person, never copies of them.
"""

from members.models.candidates import Candidate, ShadowingPlacement
from members.models.desk import ContactLog, DeskMembership, Mentor, Mentorship
from members.models.forums import Forum, ForumMembership, ForumOfficer
from members.models.imports import ImportRun, MembershipImportState
from members.models.offices import ElectedRepresentative, Office, OfficeQuerySet
from members.models.organisation import Branch, Constituency, Postcode, Ward
from members.models.people import (
    Availability,
    Membership,
    MembershipQuerySet,
    Person,
    PersonQuerySet,
)
from members.models.talent import Interest, PersonInterest

__all__ = [
    "Availability",
    "Branch",
    "Constituency",
    "ContactLog",
    "DeskMembership",
    "ElectedRepresentative",
    "ImportRun",
    "Interest",
    "Membership",
    "MembershipImportState",
    "Mentor",
    "Mentorship",
    "MembershipQuerySet",
    "Office",
    "OfficeQuerySet",
    "Person",
    "PersonInterest",
    "PersonQuerySet",
    "Postcode",
    "Ward",
    # Talent: candidates and forums
    "Candidate",
    "Forum",
    "ForumMembership",
    "ForumOfficer",
    "ShadowingPlacement",
]
