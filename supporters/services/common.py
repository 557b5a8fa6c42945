"""What the supporters' services share."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from partyhub.errors import DomainError
from supporters.models import HelpOffer


class SupportersError(DomainError):
    """A domain error an officer can read: nothing was changed."""


def help_offers_for(constituency_ids: Any) -> Any:
    """Offers an officer may use: party-wide ones and their own CLPs' (None: all)."""
    offers = HelpOffer.objects.all()
    if constituency_ids is None:
        return offers
    return offers.filter(
        Q(constituency__isnull=True) | Q(constituency__in=constituency_ids)
    )
