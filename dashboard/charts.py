"""The home page's charts: the figures, and bar charts drawn as SVG on the server.

No script and no inline style (the Content-Security-Policy forbids both): the
geometry is worked out here and the template writes plain <rect> and <text>
elements whose colours come from classes in static/css/dashboard.css. Every chart
has the same figures as a table (for screen readers, and for anyone who wants the
numbers) and as a CSV download.

Each chart is a fixed number of queries whatever the size of the party.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Coalesce, TruncMonth, TruncQuarter
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Membership

Status = Membership.Status
MONTHS_OF_MEMBERS = 24
MONTHS_OF_SUPPORTERS = 12
QUARTERS_OF_RETENTION = 8
MAX_TARGETS = 8

# Geometry of every chart (SVG user units; the picture scales to its box).
WIDTH = 640
HEIGHT = 240
LEFT = 44
RIGHT = 8
TOP = 12
BOTTOM = 36


@dataclass
class Series:
    name: str
    values: list[float]


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass
class Tick:
    y: float
    label: str


@dataclass
class AxisLabel:
    x: float
    label: str


@dataclass
class Chart:
    key: str
    title: str
    description: str
    labels: list[str]
    series: list[Series]
    unit: str = ""
    extra_columns: list[tuple[str, list[Any]]] = field(default_factory=list)

    # --- the table and the CSV ---------------------------------------------------
    @property
    def headings(self) -> list[str]:
        return [
            "",
            *[s.name for s in self.series],
            *[name for name, _values in self.extra_columns],
        ]

    @property
    def rows(self) -> list[list[Any]]:
        return [
            [
                label,
                *[_number(s.values[n]) for s in self.series],
                *[values[n] for _name, values in self.extra_columns],
            ]
            for n, label in enumerate(self.labels)
        ]

    @property
    def has_data(self) -> bool:
        return any(v for s in self.series for v in s.values)

    # --- the picture ---------------------------------------------------------------
    def _range(self) -> tuple[float, float]:
        values = [v for s in self.series for v in s.values]
        top = max([0.0, *values])
        bottom = min([0.0, *values])
        if top == bottom:
            top = 1.0
        return bottom, top

    def _y(self, value: float) -> float:
        bottom, top = self._range()
        plot = HEIGHT - TOP - BOTTOM
        return TOP + (top - value) / (top - bottom) * plot

    @property
    def bars(self) -> list[Bar]:
        count = len(self.labels) or 1
        group = (WIDTH - LEFT - RIGHT) / count
        width = group * 0.8 / max(len(self.series), 1)
        zero = self._y(0)
        bars = []
        for n, label in enumerate(self.labels):
            for m, series in enumerate(self.series):
                value = series.values[n]
                y = self._y(value)
                bars.append(
                    Bar(
                        x=round(LEFT + n * group + group * 0.1 + m * width, 1),
                        y=round(min(y, zero), 1),
                        width=round(max(width - 1, 1), 1),
                        height=round(abs(zero - y), 1),
                        css=f"chart-s{m}",
                        title=f"{label}, {series.name}: {_number(value)}{self.unit}",
                    )
                )
        return bars

    @property
    def ticks(self) -> list[Tick]:
        bottom, top = self._range()
        steps = sorted({bottom, 0.0, top / 2, top})
        return [Tick(y=round(self._y(v), 1), label=_number(v)) for v in steps]

    @property
    def axis_labels(self) -> list[AxisLabel]:
        count = len(self.labels) or 1
        group = (WIDTH - LEFT - RIGHT) / count
        every = max(1, -(-count // 8))  # at most eight labels along the bottom
        return [
            AxisLabel(x=round(LEFT + (n + 0.5) * group, 1), label=label)
            for n, label in enumerate(self.labels)
            if n % every == 0
        ]

    @property
    def zero_y(self) -> float:
        return round(self._y(0), 1)

    @property
    def legend(self) -> list[tuple[str, str]]:
        return [(f"chart-s{m}", s.name) for m, s in enumerate(self.series)]

    width = WIDTH
    height = HEIGHT
    left = LEFT
    right_edge = WIDTH - RIGHT
    axis_y = HEIGHT - BOTTOM + 16


def _number(value: float) -> str | int | float:
    if isinstance(value, float) and not value.is_integer():
        return round(value, 1)
    return int(value)


# --- months and quarters ----------------------------------------------------------


def month_starts(today: datetime.date, count: int) -> list[datetime.date]:
    """The first days of the last `count` months, this month last."""
    months = []
    year, month = today.year, today.month
    for _n in range(count):
        months.append(datetime.date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return months[::-1]


def quarter_starts(today: datetime.date, count: int) -> list[datetime.date]:
    first = datetime.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    quarters = []
    year, month = first.year, first.month
    for _n in range(count):
        quarters.append(datetime.date(year, month, 1))
        month -= 3
        if month <= 0:
            year, month = year - 1, month + 12
    return quarters[::-1]


def _month_label(day: datetime.date) -> str:
    return day.strftime("%Y-%m")


def _quarter_label(day: datetime.date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def _by_month(rows, key: str = "month") -> dict[datetime.date, int]:
    out: dict[datetime.date, int] = {}
    for row in rows:
        month = row[key]
        if isinstance(month, datetime.datetime):
            month = (
                timezone.localtime(month).date()
                if timezone.is_aware(month)
                else month.date()
            )
        if month is not None:
            out[month] = out.get(month, 0) + row["n"]
    return out


# --- the charts -------------------------------------------------------------------


def members_by_month(ids, today: datetime.date) -> Chart:
    """Joined, lapsed, rejoined and net over the last 24 months.

    Joined: memberships whose join date falls in the month. Rejoined: memberships
    whose rejoined date falls in it. Lapsed: memberships now lapsed or resigned
    whose status changed in the month. Net: joined + rejoined − lapsed.
    """
    months = month_starts(today, MONTHS_OF_MEMBERS)
    since = months[0]
    memberships = Membership.objects.for_constituency_ids(ids).order_by()
    joined = _by_month(
        memberships.filter(joined__gte=since, joined__lte=today)
        .annotate(month=TruncMonth("joined"))
        .values("month")
        .annotate(n=Count("pk"))
    )
    rejoined = _by_month(
        memberships.filter(rejoined_on__gte=since, rejoined_on__lte=today)
        .annotate(month=TruncMonth("rejoined_on"))
        .values("month")
        .annotate(n=Count("pk"))
    )
    lapsed = _by_month(
        memberships.filter(
            status__in=[Status.LAPSED, Status.RESIGNED],
            status_since__gte=since,
            status_since__lte=today,
        )
        .annotate(month=TruncMonth("status_since"))
        .values("month")
        .annotate(n=Count("pk"))
    )
    j = [joined.get(m, 0) for m in months]
    r = [rejoined.get(m, 0) for m in months]
    lap = [lapsed.get(m, 0) for m in months]
    return Chart(
        key="members",
        title=_("Members by month"),
        description=_(
            "Who joined, rejoined and lapsed (or resigned) each month over two years, "
            "and the net change."
        ),
        labels=[_month_label(m) for m in months],
        series=[
            Series(_("Joined"), j),
            Series(_("Rejoined"), r),
            Series(_("Lapsed or resigned"), lap),
            Series(_("Net"), [a + b - c for a, b, c in zip(j, r, lap, strict=True)]),
        ],
    )


def retention_by_quarter(ids, today: datetime.date) -> Chart:
    """Of those who joined in each of the last eight quarters, how many are still
    members (current or in arrears) today."""
    quarters = quarter_starts(today, QUARTERS_OF_RETENTION)
    rows = (
        Membership.objects.for_constituency_ids(ids)
        .order_by()
        .filter(joined__gte=quarters[0], joined__lte=today)
        .annotate(quarter=TruncQuarter("joined"))
        .values("quarter")
        .annotate(
            n=Count("pk"),
            kept=Count("pk", filter=Q(status__in=[Status.CURRENT, Status.ARREARS])),
        )
    )
    joined = {r["quarter"]: r["n"] for r in rows}
    kept = {r["quarter"]: r["kept"] for r in rows}
    j = [joined.get(q, 0) for q in quarters]
    k = [kept.get(q, 0) for q in quarters]
    return Chart(
        key="retention",
        title=_("Retention by the quarter people joined"),
        description=_(
            "Of those who joined in each quarter, how many are still members today."
        ),
        labels=[_quarter_label(q) for q in quarters],
        series=[Series(_("Joined"), j), Series(_("Still members"), k)],
        extra_columns=[
            (
                _("Still members (%)"),
                [round(100 * b / a) if a else "" for a, b in zip(j, k, strict=True)],
            )
        ],
    )


def supporters_by_month(ids, today: datetime.date) -> Chart:
    """New supporters each month (unconfirmed signups not counted) and how many of
    them have since become members, counted as the supporters' conversion report
    counts them (a membership begun on or after the day they became a supporter)."""
    from django.db.models import Exists, F, OuterRef
    from django.db.models.functions import TruncDate

    from supporters.models import Supporter

    months = month_starts(today, MONTHS_OF_SUPPORTERS)
    became_member = Exists(
        Membership.objects.filter(
            person_id=OuterRef("person_id"), joined__gte=OuterRef("since")
        )
    )
    rows = (
        Supporter.objects.for_constituency_ids(ids)
        .exclude(status=Supporter.Status.PENDING)
        .annotate(since=Coalesce(F("joined"), TruncDate("created")))
        .filter(since__gte=months[0], since__lte=today)
        .annotate(converted=became_member, month=TruncMonth("since"))
        .order_by()
        .values("month")
        .annotate(n=Count("pk"), c=Count("pk", filter=Q(converted=True)))
    )
    new_by: dict[datetime.date, int] = {}
    converted_by: dict[datetime.date, int] = {}
    for row in rows:
        new_by[row["month"]] = row["n"]
        converted_by[row["month"]] = row["c"]
    new = [new_by.get(m, 0) for m in months]
    converted = [converted_by.get(m, 0) for m in months]
    return Chart(
        key="supporters",
        title=_("Supporters by month"),
        description=_(
            "Supporters who joined the club each month, and how many of them have "
            "since joined the party."
        ),
        labels=[_month_label(m) for m in months],
        series=[
            Series(_("New supporters"), new),
            Series(_("Became members"), converted),
        ],
        extra_columns=[
            (
                _("Conversion (%)"),
                [
                    round(100 * c / n) if n else ""
                    for n, c in zip(new, converted, strict=True)
                ],
            )
        ],
    )


def activity_hours(ids, today: datetime.date) -> Chart:
    """The events app's "how the party spends its time" over the last year."""
    from events.selectors import hours_by_activity

    tz = timezone.get_current_timezone()
    ends = datetime.datetime.combine(
        today + datetime.timedelta(days=1), datetime.time(), tz
    )
    rows = hours_by_activity(
        constituency_ids=ids, starts=ends - datetime.timedelta(days=365), ends=ends
    )
    return Chart(
        key="activity",
        title=_("How the party spends its time"),
        description=_(
            "Person-hours over the last year by kind of activity: events and "
            "campaign sessions, times the people who came."
        ),
        labels=[str(r.label) for r in rows],
        series=[Series(_("Hours"), [round(r.hours, 1) for r in rows])],
        unit=" h",
        extra_columns=[(_("Occasions"), [r.occasions for r in rows])],
    )


def campaign_targets(ids, today: datetime.date) -> Chart:
    """Targets of the campaigns running today against what has been done."""
    from campaigns.models import Campaign, Target
    from campaigns.services.teams import target_progress

    running = Campaign.objects.for_constituency_ids(ids).filter(
        Q(ends__isnull=True) | Q(ends__gte=today), starts__lte=today
    )
    targets = list(
        Target.objects.filter(campaign__in=running.values("pk"))
        .select_related("campaign", "ward")
        .order_by("by", "pk")[:MAX_TARGETS]
    )
    progress = [target_progress(t) for t in targets]
    return Chart(
        key="campaigns",
        title=_("Campaign targets and progress"),
        description=_("Each running campaign's targets against what has been done."),
        labels=[
            f"{p.target.campaign.name}: {p.target.get_measure_display()}"
            + (f" ({p.target.ward.name})" if p.target.ward_id else "")
            for p in progress
        ],
        series=[
            Series(_("Target"), [p.target.number for p in progress]),
            Series(_("Done"), [p.done for p in progress]),
        ],
        extra_columns=[(_("Done (%)"), [p.percent for p in progress])],
    )


def messages_by_month(ids, today: datetime.date) -> Chart:
    """Emails sent and emails that failed or bounced, by month, over a year."""
    from partyhub.comms.models import Delivery

    months = month_starts(today, MONTHS_OF_SUPPORTERS)
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(months[0], datetime.time(), tz)
    rows = (
        Delivery.objects.for_constituency_ids(ids)
        .order_by()
        .filter(status__in=[Delivery.Status.SENT, Delivery.Status.FAILED])
        .filter(Q(sent_at__gte=since) | Q(sent_at__isnull=True, updated__gte=since))
        .annotate(at=Coalesce("sent_at", "updated"))
        .annotate(month=TruncMonth("at"))
        .values("month")
        .annotate(
            sent=Count("pk", filter=Q(status=Delivery.Status.SENT)),
            failed=Count("pk", filter=Q(status=Delivery.Status.FAILED)),
        )
    )
    sent: dict[datetime.date, int] = {}
    failed: dict[datetime.date, int] = {}
    for row in rows:
        month = timezone.localtime(row["month"]).date().replace(day=1)
        sent[month] = sent.get(month, 0) + row["sent"]
        failed[month] = failed.get(month, 0) + row["failed"]
    return Chart(
        key="messages",
        title=_("Messages sent and bounced"),
        description=_("Emails sent each month, and those that failed or bounced."),
        labels=[_month_label(m) for m in months],
        series=[
            Series(_("Sent"), [sent.get(m, 0) for m in months]),
            Series(_("Failed or bounced"), [failed.get(m, 0) for m in months]),
        ],
    )


CHARTS: dict[str, tuple[str, Callable[[Any, datetime.date], Chart]]] = {
    "members": ("desk", members_by_month),
    "retention": ("desk", retention_by_quarter),
    "supporters": ("supporters", supporters_by_month),
    "activity": ("events", activity_hours),
    "campaigns": ("campaigns", campaign_targets),
    "messages": ("messages", messages_by_month),
}


CACHE_SECONDS = 600


def chart(key: str, ids, today: datetime.date | None = None) -> Chart:
    """A chart's figures, kept for ten minutes per set of constituencies: they are
    trends over months and years, and the home page is opened often. (The to-do
    counts are never cached: they must match the lists they link to.)"""
    from django.core.cache import cache

    today = today or timezone.localdate()
    scope = "all" if ids is None else "-".join(str(i) for i in sorted(ids))
    cache_key = f"dashboard:chart:{key}:{scope}:{today.isoformat()}"
    found = cache.get(cache_key)
    if found is None:
        found = CHARTS[key][1](ids, today)
        cache.set(cache_key, found, CACHE_SECONDS)
    return found
