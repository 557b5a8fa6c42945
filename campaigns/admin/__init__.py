"""Campaigns in the officers' admin, scoped like every other admin page; one
module per part (the ~500-line rule)."""

from campaigns.admin import (  # noqa: F401  (registers the ModelAdmins)
    casestudies,
    petitions,
    phonebank,
    streetwatch,
    surveys,
    teams,
)
