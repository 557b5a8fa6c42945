"""Reads about messages that other pages reuse (the officers' home, the admin)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from partyhub.comms.circuit import sending_paused
from partyhub.comms.models import Delivery, Message, SmtpCircuit

if TYPE_CHECKING:
    from partyhub.scoping import AnyUser

# A failure older than this has been seen; the home page stops nagging about it.
ATTENTION_DAYS = 30


def delivery_count(status: str) -> Coalesce:
    """How many of a message's deliveries are in `status`, per listed message.

    A correlated subquery off the (message, status) index, not a join and GROUP
    BY over every delivery."""
    return Coalesce(
        Subquery(
            Delivery.objects.filter(message=OuterRef("pk"), status=status)
            .order_by()
            .values("message")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def messages_needing_attention(user: AnyUser | None) -> QuerySet[Message]:
    """Messages in the user's constituencies an officer should look at: paused
    because the mail server is unreachable, or with failed deliveries (sent in
    the last 30 days) that one click on the message's page sends again.

    Each carries `failed_count` and `waiting_count`; newest first.
    """
    since = timezone.now() - timedelta(days=ATTENTION_DAYS)
    failed = Delivery.objects.filter(
        message=OuterRef("pk"), status=Delivery.Status.FAILED
    )
    return (
        Message.objects.in_constituencies(user)
        .filter(
            Q(status=Message.Status.PAUSED)
            | Q(Exists(failed), dispatched_at__gte=since)
        )
        .annotate(
            failed_count=delivery_count(Delivery.Status.FAILED),
            waiting_count=delivery_count(Delivery.Status.QUEUED),
        )
        .select_related("constituency")
        .order_by("-dispatched_at", "-pk")
    )


def sending_pause() -> SmtpCircuit | None:
    """The mail server outage under way (since, last error, next try), or None."""
    return sending_paused()
