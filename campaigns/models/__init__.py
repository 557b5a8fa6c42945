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
    TeamLead,
    TeamMembership,
    Weekday,
)
from campaigns.models.casestudies import CaseStudy
from campaigns.models.phonebank import CallList, CallListEntry, CallOutcome
from campaigns.models.streetwatch import StreetReport
from campaigns.models.surveys import Answer, Question, Response, Survey

__all__ = [
    "Answer",
    "Question",
    "Response",
    "Survey",
    "CallList",
    "CallListEntry",
    "CallOutcome",
    "CaseStudy",
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
    "TeamLead",
    "TeamMembership",
    "Weekday",
]
