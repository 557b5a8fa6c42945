"""Reusable reads about supporters."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from supporters.models import AskReply

RECENT_REPLY_DAYS = 30


def asks_with_replies_to_act_on() -> Q:
    """Asks someone said yes to in the last 30 days: somebody should get back to
    them with the poster or the leaflets."""
    since = timezone.now() - datetime.timedelta(days=RECENT_REPLY_DAYS)
    return Q(
        Exists(
            AskReply.objects.filter(
                ask=OuterRef("pk"), answer=AskReply.Answer.YES, at__gte=since
            )
        )
    )
