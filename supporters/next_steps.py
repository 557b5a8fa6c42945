"""The next step offered on a thank-you page (signup confirmed, petition signed,
place booked): another event to come to, the petition to share, joining the party."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import timezone


def next_steps(
    *,
    constituency: Any,
    exclude_event_id: int | None = None,
    share_path: str = "",
    share_title: str = "",
) -> dict[str, Any]:
    """Context for templates/supporters/_next_steps.html."""
    steps: dict[str, Any] = {"join_url": settings.NATIONAL_RENEWAL_URL}
    if constituency is not None:
        event_model = apps.get_model("events", "Event")
        steps["next_event"] = (
            event_model.objects.published()
            .filter(
                audience=event_model.Audience.PUBLIC,
                constituencies=constituency,
                starts__gte=timezone.now(),
            )
            .exclude(pk=exclude_event_id)
            .order_by("starts")
            .first()
        )
        steps["calendar_url"] = reverse("events:calendar", args=[constituency.slug])
    if share_path:
        url = settings.SITE_URL.rstrip("/") + share_path
        steps["share_url"] = url
        steps["share_mailto"] = (
            f"mailto:?subject={quote(share_title)}&body={quote(url)}"
        )
    return steps
