"""Policy networks and study groups, their discussion boards and consultations, and
the directory of community organisations (report 3.3, 3.4, 3.9).

A network may span several constituencies (`scope_spans_many`): an officer sees a
network when it touches one of their CLPs, but among its members only their own
CLPs' people (the membership rows are scoped by the person's home constituency).
"""

from networks.models.community import (
    CommunityOrganisation,
    UnionActivist,
    UnionBranchOfficer,
    UnionDelegate,
)
from networks.models.consultations import (
    Comment,
    Consultation,
    Section,
    Submission,
    SubmissionSection,
)
from networks.models.mailings import (
    OrganisationMailing,
    OrganisationMailingRecipient,
)
from networks.models.networks import (
    Network,
    NetworkCoordinator,
    NetworkDigest,
    NetworkInvitation,
    NetworkMembership,
    Post,
    ReadingItem,
    StudyMeeting,
    Thread,
)

__all__ = [
    "Comment",
    "CommunityOrganisation",
    "Consultation",
    "Network",
    "NetworkCoordinator",
    "NetworkDigest",
    "NetworkInvitation",
    "NetworkMembership",
    "OrganisationMailing",
    "OrganisationMailingRecipient",
    "Post",
    "ReadingItem",
    "Section",
    "StudyMeeting",
    "Submission",
    "SubmissionSection",
    "Thread",
    "UnionActivist",
    "UnionBranchOfficer",
    "UnionDelegate",
]
