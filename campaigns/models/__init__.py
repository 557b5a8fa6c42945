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

__all__ = [
    "Campaign",
    "Measure",
    "Petition",
    "Session",
    "SessionOutput",
    "SessionSignup",
    "Signature",
    "Target",
    "Team",
    "TeamMembership",
    "Weekday",
]
