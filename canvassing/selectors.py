"""Reads of the register: results by street, district and ward; the knock-up list."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from canvassing.models import Answer, Elector, PollingDistrict


@dataclass
class ResultRow:
    label: str
    electors: int
    contacted: int
    counts: dict[str, int]

    @property
    def rate(self) -> int:
        return round(100 * self.contacted / self.electors) if self.electors else 0


def _aggregates() -> dict[str, Any]:
    out: dict[str, Any] = {
        "electors": Count("pk"),
        "contacted": Count("pk", filter=Q(contacted_at__isnull=False)),
    }
    for value in Answer.values:
        if value != Answer.NOT_IN:
            out[f"n_{value}"] = Count("pk", filter=Q(intention=value))
    return out


def _rows(queryset: QuerySet[Elector], group: str, label: str) -> list[ResultRow]:
    rows = queryset.values(group, label).annotate(**_aggregates()).order_by(label)
    return [
        ResultRow(
            label=r[label] or "—",
            electors=r["electors"],
            contacted=r["contacted"],
            counts={v: r[f"n_{v}"] for v in Answer.values if v != Answer.NOT_IN},
        )
        for r in rows
    ]


def results(constituency_id: int) -> dict[str, list[ResultRow]]:
    """Contact rate and intention by ward, polling district and street: three
    grouped queries whatever the size of the register."""
    electors = Elector.objects.filter(district__constituency_id=constituency_id)
    return {
        "wards": _rows(electors, "district__ward_id", "district__ward__name"),
        "districts": _rows(electors, "district_id", "district__code"),
        "streets": _rows(electors, "household__street_id", "household__street__name"),
    }


@dataclass
class TargetRow:
    campaign: str
    ward: str
    target: int
    by: datetime.date
    done: int

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.target)) if self.target else 100


def contact_targets(constituency_id: int) -> list[TargetRow]:
    """The campaigns' contact targets in this CLP, with their progress as the
    campaigns app counts it (session outputs and doorstep contacts together)."""
    from campaigns.models import Campaign, Measure, Target
    from campaigns.services.teams import target_progress

    targets = (
        Target.objects.filter(
            measure=Measure.CONTACTS,
            campaign__in=Campaign.objects.filter(constituencies=constituency_id).values(
                "pk"
            ),
        )
        .select_related("campaign", "ward")
        .order_by("by", "pk")
    )
    return [
        TargetRow(
            campaign=target.campaign.name,
            ward=target.ward.name if target.ward else "",
            target=target.number,
            by=target.by,
            done=target_progress(target).done,
        )
        for target in targets
    ]


def knock_up(
    district_ids: list[int],
) -> list[tuple[str, list[Elector]]]:
    """Our supporters who have not voted yet, street by street."""
    electors = (
        Elector.objects.filter(
            district_id__in=district_ids,
            intention=Answer.OURS,
            voted_at__isnull=True,
        )
        .select_related("household__street", "district")
        .order_by(
            "household__street__name",
            "household__house_number",
            "household__address",
            "number_sort",
        )
    )
    streets: dict[str, list[Elector]] = {}
    for elector in electors:
        streets.setdefault(elector.household.street.name, []).append(elector)
    return list(streets.items())


def districts_of(constituency_id: int) -> QuerySet[PollingDistrict]:
    districts: QuerySet[PollingDistrict] = (
        PollingDistrict.objects.filter(constituency_id=constituency_id)
        .select_related("ward")
        .annotate(
            elector_count=Count("electors", distinct=True),
        )
        .order_by("code")
    )
    return districts
