"""What the campaigns services share."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

LONDON = ZoneInfo("Europe/London")


class CampaignsError(ValidationError):
    """A domain error a person can read: nothing was changed."""
