"""Reads about requests, for the officers' home and the admin."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from partyhub.personal_data.models import DataRequest


def open_data_requests(constituencies: Iterable[int] | None) -> QuerySet[DataRequest]:
    """Open subject access and erasure requests of these constituencies (ids; None
    for all, a regional organiser), the soonest due first. Each has `due_by` (the
    deadline, or its extension), `kind`, `person`, `received_on`, `status`."""
    qs = DataRequest.objects.filter(
        status__in=DataRequest.OPEN_STATUSES
    ).select_related("person", "constituency")
    if constituencies is not None:
        qs = qs.filter(constituency_id__in=list(constituencies))
    return qs.order_by("deadline", "pk")
