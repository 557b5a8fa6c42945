"""Writes and workflows for campaigns, one module per workflow (the ~500-line
rule); import them from here."""

from campaigns.services.common import LONDON, CampaignsError
from campaigns.services.petitions import (
    CONSENT_WORDING,
    PETITION_SIGNATURES_PER_IP_PER_HOUR,
    petition_export,
    petition_ip_allowance_take,
    petition_sign,
)
from campaigns.services.teams import (
    REMINDER_SESSION_DAY_BEFORE,
    ROTA_EPOCH,
    ROTA_WEEKS_AHEAD,
    Progress,
    campaign_progress,
    is_team_lead,
    rota_dates,
    session_output_record,
    session_signup,
    session_signup_cancel,
    sessions_generate,
    sessions_generate_all,
    target_progress,
    team_join,
    team_leave,
    teams_joinable,
)

__all__ = [
    "CONSENT_WORDING",
    "LONDON",
    "PETITION_SIGNATURES_PER_IP_PER_HOUR",
    "REMINDER_SESSION_DAY_BEFORE",
    "ROTA_EPOCH",
    "ROTA_WEEKS_AHEAD",
    "CampaignsError",
    "Progress",
    "campaign_progress",
    "is_team_lead",
    "petition_export",
    "petition_ip_allowance_take",
    "petition_sign",
    "rota_dates",
    "session_output_record",
    "session_signup",
    "session_signup_cancel",
    "sessions_generate",
    "sessions_generate_all",
    "target_progress",
    "team_join",
    "team_leave",
    "teams_joinable",
]
