"""Supporters who became members, by month and by source."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils.translation import gettext as _

from members.models import Membership
from supporters.models import Supporter


@dataclass(frozen=True)
class ConversionRow:
    label: str
    supporters: int
    converted: int

    @property
    def rate(self) -> float:
        return self.converted / self.supporters if self.supporters else 0.0


@dataclass(frozen=True)
class ConversionStats:
    by_month: list[ConversionRow]
    by_source: list[ConversionRow]
    total: ConversionRow


def conversion_stats(*, constituency_ids: frozenset[int] | None) -> ConversionStats:
    """Supporters who became members, by the month they joined the club and by how
    they came to it. Converted: their Person has a membership that began on or after
    the day they became a supporter — counted once however many memberships."""
    became_member = Exists(
        Membership.objects.filter(
            person_id=OuterRef("person_id"), joined__gte=OuterRef("since")
        )
    )
    supporters = (
        Supporter.objects.for_constituency_ids(constituency_ids)
        # An unconfirmed signup is not a supporter yet; one who left still counts.
        .exclude(status=Supporter.Status.PENDING)
        .annotate(since=Coalesce(F("joined"), TruncDate("created")))
        .annotate(converted=became_member)
        .order_by()
    )
    counts = {"n": Count("pk"), "c": Count("pk", filter=Q(converted=True))}
    months = (
        supporters.annotate(month=TruncMonth("since"))
        .values("month")
        .annotate(**counts)
        .order_by("month")
    )
    sources = dict(Supporter.Source.choices)
    by_source = supporters.values("source").annotate(**counts).order_by("source")
    total = supporters.aggregate(**counts)
    return ConversionStats(
        by_month=[
            ConversionRow(_month_label(r["month"]), r["n"], r["c"]) for r in months
        ],
        by_source=[
            ConversionRow(str(sources.get(r["source"], r["source"])), r["n"], r["c"])
            for r in by_source
        ],
        total=ConversionRow(_("All supporters"), total["n"], total["c"]),
    )


def _month_label(month: datetime.date | None) -> str:
    return month.strftime("%Y-%m") if month else "—"
