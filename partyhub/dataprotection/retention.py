"""The retention schedule: how long each kind of data is kept, and the nightly run
that removes what has outlived it.

UK GDPR art. 5(1)(e): personal data is kept no longer than it is needed. Each kind
of data has a default period that a CLP may change (Admin → Retention runs →
"Retention schedule"). Apps say, in their own `retention.py` (found by
`autodiscover_modules`):

- `register_category(...)`: a kind of data, its default period and what happens;
- `register_rule(...)`: for a category, which rows are due (a QuerySet) and how to
  remove one (a person goes through the personal data register's erasure);
- `register_activity(...)`: a dated row that shows a person is still in touch
  (a booking, a signature, a consent given or withdrawn…).

A run is planned first (one RetentionItem per row due, in one transaction), then
each item is carried out in a transaction of its own, claimed with a
compare-and-set; a crash halfway leaves the rest pending and the retry finishes
them. `retention_preview` asks the same rules the same question without writing,
so what the preview lists is what the run removes.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log
from partyhub.dataprotection.models import RetentionItem, RetentionPeriod, RetentionRun

if TYPE_CHECKING:
    from partyhub.accounts.models import User


log = logging.getLogger(__name__)

# Candidates: fn(constituency or None, cutoff) -> QuerySet of the rule's model.
Candidates = Callable[[Any, datetime.datetime], QuerySet]
# Apply: fn(row, reason) -> None; removes or anonymises one row.
Apply = Callable[[Any, str], None]


@dataclass(frozen=True)
class Category:
    key: str
    label: Any
    default_days: int
    counted_from: Any  # "after the signup was submitted"
    then: Any  # "the signup is deleted"
    order: int = 100


@dataclass(frozen=True)
class Rule:
    category: str
    model: str  # "app_label.ModelName"
    candidates: Candidates
    apply: Apply


@dataclass(frozen=True)
class Activity:
    model: str
    person_field: str
    date_field: str


_CATEGORIES: dict[str, Category] = {}
_RULES: list[Rule] = []
_ACTIVITY: dict[tuple[str, str, str], Activity] = {}


def register_category(
    key: str,
    *,
    label: Any,
    default_days: int,
    counted_from: Any,
    then: Any,
    order: int = 100,
) -> None:
    _CATEGORIES[key] = Category(key, label, default_days, counted_from, then, order)


def register_rule(category: str, model: str, *, candidates: Candidates, apply: Apply):
    rule = Rule(category, model, candidates, apply)
    _RULES[:] = [r for r in _RULES if (r.category, r.model) != (category, model)]
    _RULES.append(rule)


def register_activity(model: str, *, date_field: str, person_field: str = "person"):
    _ACTIVITY[(model, person_field, date_field)] = Activity(
        model, person_field, date_field
    )


def categories() -> list[Category]:
    return sorted(_CATEGORIES.values(), key=lambda c: (c.order, c.key))


def rules() -> list[Rule]:
    return list(_RULES)


# --- the schedule -------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleRow:
    category: Category
    days: int
    changed: bool  # the CLP's own period, not the default

    @property
    def period(self) -> str:
        return period_text(self.days)


def period_text(days: int) -> str:
    """30 days, 2 years, 18 months: a period as people say it."""
    from django.utils.translation import ngettext

    if days % 365 == 0:
        years = days // 365
        return ngettext("%(n)s year", "%(n)s years", years) % {"n": years}
    if days % 30 == 0 and days >= 60:
        months = days // 30
        return ngettext("%(n)s month", "%(n)s months", months) % {"n": months}
    return ngettext("%(n)s day", "%(n)s days", days) % {"n": days}


def schedule(constituency: Any) -> list[ScheduleRow]:
    """The CLP's schedule (None: the defaults), in the order categories are shown."""
    own: dict[str, int] = {}
    if constituency is not None:
        own = dict(
            RetentionPeriod.objects.filter(constituency=constituency).values_list(
                "category", "days"
            )
        )
    return [
        ScheduleRow(c, own.get(c.key, c.default_days), c.key in own)
        for c in categories()
    ]


def own_periods(category: str) -> dict[int, int]:
    """{constituency id: days} for the CLPs that changed `category`'s period."""
    return dict(
        RetentionPeriod.objects.filter(category=category).values_list(
            "constituency_id", "days"
        )
    )


@transaction.atomic
def retention_schedule_update(
    *, constituency: Any, days: dict[str, int], actor: User | None
) -> list[str]:
    """Set the CLP's periods (a period equal to the default goes back to following
    the default); returns the categories that changed."""
    current = {row.category.key: row.days for row in schedule(constituency)}
    changed = []
    for category in categories():
        new = days.get(category.key)
        if new is None or new == current[category.key]:
            continue
        changed.append(category.key)
        if new == category.default_days:
            RetentionPeriod.objects.filter(
                constituency=constituency, category=category.key
            ).delete()
        else:
            RetentionPeriod.objects.update_or_create(
                constituency=constituency,
                category=category.key,
                defaults={"days": new, "updated_by": actor},
            )
    if changed:
        audit_log(
            actor=actor,
            action=AuditAction.RETENTION_SCHEDULE_CHANGE,
            obj=constituency,
            constituency_id=constituency.pk,
            detail={k: {"old": current[k], "new": days[k]} for k in changed},
        )
    return changed


# --- activity -------------------------------------------------------------------------


def active_since(cutoff: datetime.datetime, person_ref: str = "pk") -> Q:
    """People with any registered activity on or after `cutoff`."""
    condition = Q(pk__in=[])
    for activity in _ACTIVITY.values():
        model = apps.get_model(activity.model)
        field = model._meta.get_field(activity.date_field)
        since: Any = cutoff
        if isinstance(field, models.DateField) and not isinstance(
            field, models.DateTimeField
        ):
            since = timezone.localtime(cutoff).date()
        condition |= Q(
            Exists(
                model._base_manager.filter(
                    **{
                        activity.person_field: OuterRef(person_ref),
                        f"{activity.date_field}__gte": since,
                    }
                )
            )
        )
    return condition


# --- preview and run ------------------------------------------------------------------


def _in_clp(constituency: Any) -> Any:
    return constituency.pk if constituency is not None else None


def due(constituency: Any, as_of: datetime.datetime) -> list[tuple[Rule, list[int]]]:
    """For each rule, the ids of its rows due for removal at `as_of`."""
    periods = {row.category.key: row.days for row in schedule(constituency)}
    found = []
    for rule in rules():
        if rule.category not in periods:
            continue
        cutoff = as_of - datetime.timedelta(days=periods[rule.category])
        ids = sorted(
            set(rule.candidates(constituency, cutoff).values_list("pk", flat=True))
        )
        found.append((rule, ids))
    return found


@dataclass
class PreviewRow:
    category: Category
    model: str
    ids: list[int]

    @property
    def count(self) -> int:
        return len(self.ids)

    @property
    def record_label(self) -> str:
        return str(apps.get_model(self.model)._meta.verbose_name_plural)


def retention_preview(
    *, constituency: Any, as_of: datetime.datetime | None = None
) -> list[PreviewRow]:
    """What a run at `as_of` (default: the next nightly run) would remove."""
    as_of = as_of or next_run_at()
    return [
        PreviewRow(_CATEGORIES[rule.category], rule.model, ids)
        for rule, ids in due(constituency, as_of)
    ]


# The nightly run's time (django-celery-beat, see the migration): 03:45 London time.
RUN_HOUR, RUN_MINUTE = 3, 45


def next_run_at(now: datetime.datetime | None = None) -> datetime.datetime:
    now = timezone.localtime(now or timezone.now())
    at = now.replace(hour=RUN_HOUR, minute=RUN_MINUTE, second=0, microsecond=0)
    return at if at > now else at + datetime.timedelta(days=1)


def _run_for(constituency: Any, as_of: datetime.datetime) -> RetentionRun:
    run_on = timezone.localtime(as_of).date()
    run, _created = RetentionRun.objects.get_or_create(
        constituency=constituency, run_on=run_on, defaults={"as_of": as_of}
    )
    return run


@transaction.atomic
def _plan(run_id: int) -> RetentionRun:
    run = RetentionRun.objects.select_for_update().get(pk=run_id)
    if run.status != RetentionRun.Status.PLANNED:
        return run  # planned already (a retry, or another worker)
    items = [
        RetentionItem(run=run, category=rule.category, model=rule.model, object_id=pk)
        for rule, ids in due(run.constituency, run.as_of)
        for pk in ids
    ]
    RetentionItem.objects.bulk_create(items, ignore_conflicts=True)
    run.status = RetentionRun.Status.APPLYING
    run.save(update_fields=["status"])
    return run


def _reason(category: Category, days: int) -> str:
    return str(
        _("Retention schedule: %(kind)s, kept %(period)s %(from)s.")
        % {
            "kind": category.label,
            "period": period_text(days),
            "from": category.counted_from,
        }
    )


def _apply_item(item_id: int, run: RetentionRun, periods: dict[str, int]) -> None:
    rule_for = {(r.category, r.model): r for r in rules()}
    with transaction.atomic():
        item = (
            RetentionItem.objects.select_for_update(skip_locked=True)
            .filter(pk=item_id, status=RetentionItem.Status.PENDING)
            .first()
        )
        if item is None:
            return  # done already, or another worker has it
        rule = rule_for.get((item.category, item.model))
        row = None
        if rule is not None:
            cutoff = run.as_of - datetime.timedelta(days=periods[item.category])
            # Asked again now: a person who came back in touch since the plan, or a
            # row somebody removed by hand, is left alone.
            row = rule.candidates(run.constituency, cutoff).filter(pk=item.object_id)
            row = row.first()
        if row is None:
            item.status = RetentionItem.Status.SKIPPED
        else:
            rule.apply(row, _reason(_CATEGORIES[item.category], periods[item.category]))
            item.status = RetentionItem.Status.DONE
        item.done_at = timezone.now()
        item.save(update_fields=["status", "done_at"])


def retention_run(
    *, constituency: Any, as_of: datetime.datetime | None = None
) -> RetentionRun:
    """Tonight's retention for one CLP (None: records with no CLP). Runs again
    safely: the run is one row per CLP and night, each item is done once; a run
    left unfinished on an earlier night (a crash) is finished first."""
    run = _run_for(constituency, as_of or timezone.now())
    for earlier in RetentionRun.objects.filter(
        constituency=constituency, run_on__lt=run.run_on
    ).exclude(status=RetentionRun.Status.DONE):
        _finish(earlier)
    return _finish(run)


def _finish(run: RetentionRun) -> RetentionRun:
    if run.status == RetentionRun.Status.DONE:
        return run
    run = _plan(run.pk)
    periods = {row.category.key: row.days for row in schedule(run.constituency)}
    for item_id in run.items.filter(status=RetentionItem.Status.PENDING).values_list(
        "pk", flat=True
    ):
        _apply_item(item_id, run, periods)
    with transaction.atomic():
        run = RetentionRun.objects.select_for_update().get(pk=run.pk)
        if run.status == RetentionRun.Status.DONE:
            return run
        if run.items.filter(status=RetentionItem.Status.PENDING).exists():
            return run  # another worker is still on some: it finishes the run
        counts: dict[str, int] = {}
        for category in run.items.filter(status=RetentionItem.Status.DONE).values_list(
            "category", flat=True
        ):
            counts[category] = counts.get(category, 0) + 1
        run.counts = counts
        run.status = RetentionRun.Status.DONE
        run.finished = timezone.now()
        run.save(update_fields=["counts", "status", "finished"])
        audit_log(
            actor=None,
            action=AuditAction.RETENTION_RUN,
            obj=run,
            constituency_id=_in_clp(run.constituency),
            row_count=run.total,
            detail={"counts": counts, "as_of": run.as_of.isoformat()},
        )
        if run.constituency is not None:
            transaction.on_commit(lambda: retention_report_send(run_id=run.pk))
    return run


def retention_report_send(*, run_id: int) -> bool:
    """Tell the CLP's officers what the run removed and what the next would; once."""
    from partyhub.dataprotection.report import send_report

    claimed = RetentionRun.objects.filter(pk=run_id, reported_at__isnull=True).update(
        reported_at=timezone.now()
    )
    if claimed != 1:
        return False
    return send_report(RetentionRun.objects.get(pk=run_id))
