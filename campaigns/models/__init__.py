"""Campaigns' models, one module per part (the ~500-line rule)."""

from campaigns.models.campaigns import (
    Campaign,
    Measure,
    Petition,
    Session,
    SessionOutput,
    SessionSignup,
    Signature,
    Target,
    Team,
    TeamMembership,
    Weekday,
)
from campaigns.models.phonebank import CallList, CallListEntry, CallOutcome
from campaigns.models.streetwatch import StreetReport

__all__ = [
    "CallList",
    "CallListEntry",
    "CallOutcome",
    "Campaign",
    "Measure",
    "Petition",
    "Session",
    "SessionOutput",
    "SessionSignup",
    "StreetReport",
    "Signature",
    "Target",
    "Team",
    "TeamMembership",
    "Weekday",
]
