"""Reports officers ask for: members by ward and branch, lapsed members with their
last contact, new members and their mentor, who comes to events.

Each is scoped to the officer's constituencies, printable (the page hides the
admin's chrome when printed) and downloadable as CSV; every download is in the
audit log with its row count, per constituency.
"""

from __future__ import annotations

import csv
import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.db.models import (
    Count,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Concat
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.models import ContactLog, Membership, Mentorship, Person
from partyhub.actors import actor_of
from partyhub.audit.services import audit_log
from partyhub.exports import csv_cell
from partyhub.scoping import constituency_ids

SHOWN_ON_PAGE = 500


class PeriodForm(forms.Form):
    starts = forms.DateField(
        label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends = forms.DateField(
        label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("starts") and data.get("ends") and data["starts"] > data["ends"]:
            self.add_error("ends", _("The end of the period is before its start."))
        return data


@dataclass(frozen=True)
class Report:
    key: str
    title: Any
    description: Any
    headings: tuple[Any, ...]
    rows: Callable[[frozenset[int] | None, datetime.date, datetime.date], QuerySet]
    row: Callable[[Any], list[Any]]
    # The period offered first, in days (a callable: read when the page is
    # shown); None: no period to choose.
    period_days: int | Callable[[], int] | None = None
    permission: str = "members.view_membership"


def _name(obj) -> str:
    return f"{obj.person.first_name} {obj.person.last_name}"


def _date(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return value.isoformat()


def _last_contact() -> dict[str, Subquery]:
    latest = ContactLog.objects.filter(person=OuterRef("person")).order_by("-at")
    return {
        "last_contact_at": Subquery(latest.values("at")[:1]),
        "last_contact_how": Subquery(latest.values("how")[:1]),
        "last_contact_outcome": Subquery(latest.values("outcome")[:1]),
    }


def _members_by_ward(ids, starts, ends) -> QuerySet:
    return (
        Membership.objects.for_constituency_ids(ids)
        .select_related("person__ward", "branch")
        .order_by("person__ward__name", "branch__name", "status", "person__last_name")
    )


def _lapsed(ids, starts, ends) -> QuerySet:
    return (
        Membership.objects.for_constituency_ids(ids)
        .filter(
            status=Membership.Status.LAPSED,
            status_since__gte=starts,
            status_since__lte=ends,
        )
        .select_related("person", "branch")
        .annotate(**_last_contact())
        .order_by("status_since", "person__last_name", "pk")
    )


def _new_members(ids, starts, ends) -> QuerySet:
    mentorship = Mentorship.objects.filter(mentee=OuterRef("person")).order_by(
        "-started_at"
    )
    return (
        Membership.objects.for_constituency_ids(ids)
        .filter(joined__gte=starts, joined__lte=ends)
        .select_related("person", "branch")
        .annotate(
            mentor_name=Subquery(
                mentorship.annotate(
                    name=Concat(
                        "mentor__person__first_name",
                        Value(" "),
                        "mentor__person__last_name",
                    )
                ).values("name")[:1]
            ),
            first_contact_at=Subquery(mentorship.values("first_contact_at")[:1]),
            **_last_contact(),
        )
        .order_by("joined", "person__last_name", "pk")
    )


def _attendance(ids, starts, ends) -> QuerySet:
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(starts, datetime.time(), tz)
    until = datetime.datetime.combine(
        ends + datetime.timedelta(days=1), datetime.time(), tz
    )
    in_period = Q(
        bookings__event__starts__gte=since,
        bookings__event__starts__lt=until,
        bookings__event__status="published",
    )
    came = in_period & Q(bookings__attended_at__isnull=False)
    return (
        Person.objects.for_constituency_ids(ids)
        .annotate(
            came=Count("bookings", filter=came),
            booked=Count("bookings", filter=in_period & Q(bookings__status="yes")),
            last_came=Max("bookings__event__starts", filter=came),
        )
        .filter(Q(came__gt=0) | Q(booked__gt=0))
        .select_related("ward")
        .order_by("-came", "last_name", "first_name", "pk")
    )


REPORTS: dict[str, Report] = {
    r.key: r
    for r in (
        Report(
            key="members-by-ward",
            title=gettext_lazy("Members by ward and branch"),
            description=gettext_lazy(
                "Every membership, by ward and branch, with its status."
            ),
            headings=(
                gettext_lazy("Ward"),
                gettext_lazy("Branch"),
                gettext_lazy("Name"),
                gettext_lazy("Membership number"),
                gettext_lazy("Status"),
                gettext_lazy("Joined"),
            ),
            rows=_members_by_ward,
            row=lambda m: [
                m.person.ward.name if m.person.ward_id else "",
                m.branch.name if m.branch_id else "",
                _name(m),
                m.membership_number,
                m.get_status_display(),
                _date(m.joined),
            ],
        ),
        Report(
            key="lapsed",
            title=gettext_lazy("Lapsed members and their last contact"),
            description=gettext_lazy(
                "Members who lapsed in the period, with the last time anyone "
                "contacted them."
            ),
            headings=(
                gettext_lazy("Name"),
                gettext_lazy("Membership number"),
                gettext_lazy("Branch"),
                gettext_lazy("Lapsed on"),
                gettext_lazy("Phone"),
                gettext_lazy("Last contact"),
                gettext_lazy("How"),
                gettext_lazy("Outcome"),
            ),
            rows=_lapsed,
            row=lambda m: [
                _name(m),
                m.membership_number,
                m.branch.name if m.branch_id else "",
                _date(m.status_since),
                m.person.mobile or m.person.phone,
                _date(m.last_contact_at),
                dict(ContactLog.How.choices).get(m.last_contact_how, ""),
                dict(ContactLog.Outcome.choices).get(m.last_contact_outcome, ""),
            ],
            period_days=90,
        ),
        Report(
            key="new-members",
            title=gettext_lazy("New members and their mentor"),
            description=gettext_lazy(
                "Members who joined in the period, their mentor and when someone "
                "first got in touch."
            ),
            headings=(
                gettext_lazy("Name"),
                gettext_lazy("Membership number"),
                gettext_lazy("Branch"),
                gettext_lazy("Joined"),
                gettext_lazy("Mentor"),
                gettext_lazy("First contact"),
                gettext_lazy("Last contact"),
            ),
            rows=_new_members,
            row=lambda m: [
                _name(m),
                m.membership_number,
                m.branch.name if m.branch_id else "",
                _date(m.joined),
                m.mentor_name or "",
                _date(m.first_contact_at),
                _date(m.last_contact_at),
            ],
            period_days=lambda: settings.NEW_MEMBER_DAYS,
        ),
        Report(
            key="attendance",
            title=gettext_lazy("Who comes to things"),
            description=gettext_lazy(
                "Each person's events in the period: how many they booked and how "
                "many they came to (checked in at the door)."
            ),
            headings=(
                gettext_lazy("Name"),
                gettext_lazy("Ward"),
                gettext_lazy("Came"),
                gettext_lazy("Booked"),
                gettext_lazy("Last came"),
            ),
            rows=_attendance,
            row=lambda p: [
                f"{p.first_name} {p.last_name}",
                p.ward.name if p.ward_id else "",
                p.came,
                p.booked,
                _date(p.last_came),
            ],
            period_days=365,
        ),
    )
}


def _constituency_of(obj) -> int | None:
    return getattr(obj, "constituency_id", None)


def _period(report: Report, request: HttpRequest):
    today = timezone.localdate()
    if report.period_days is None:
        return None, datetime.date.min, today
    initial = {
        "starts": today
        - datetime.timedelta(
            days=report.period_days()
            if callable(report.period_days)
            else report.period_days
        ),
        "ends": today,
    }
    form = PeriodForm(request.GET if "starts" in request.GET else None, initial=initial)
    if form.is_bound:
        if not form.is_valid():
            return form, None, None
        return form, form.cleaned_data["starts"], form.cleaned_data["ends"]
    return form, initial["starts"], initial["ends"]


def index(site: AdminSite, request: HttpRequest) -> HttpResponse:
    return TemplateResponse(
        request,
        "admin/dashboard/reports.html",
        {
            **site.each_context(request),
            "title": _("Reports"),
            "reports": [
                r for r in REPORTS.values() if request.user.has_perm(r.permission)
            ],
        },
    )


def report(site: AdminSite, request: HttpRequest, key: str) -> HttpResponse:
    found = REPORTS.get(key)
    if found is None:
        raise Http404
    if not request.user.has_perm(found.permission):
        raise PermissionDenied
    form, starts, ends = _period(found, request)
    ids = constituency_ids(request.user)
    rows = found.rows(ids, starts, ends) if starts is not None else None
    if rows is not None and request.GET.get("format") == "csv":
        return _csv(request, found, rows)
    shown = list(rows[: SHOWN_ON_PAGE + 1]) if rows is not None else []
    query = request.GET.copy()
    query["format"] = "csv"
    return TemplateResponse(
        request,
        "admin/dashboard/report.html",
        {
            **site.each_context(request),
            "title": found.title,
            "report": found,
            "form": form,
            "rows": [found.row(obj) for obj in shown[:SHOWN_ON_PAGE]],
            "more": len(shown) > SHOWN_ON_PAGE,
            "total": rows.count() if rows is not None else 0,
            "csv_query": query.urlencode(),
        },
    )


def _csv(request: HttpRequest, found: Report, rows: QuerySet) -> HttpResponse:
    objects = list(rows)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{found.key}-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow([str(h) for h in found.headings])
    for obj in objects:
        writer.writerow([csv_cell(v) for v in found.row(obj)])
    per_constituency = Counter(_constituency_of(obj) for obj in objects)
    for constituency_id, count in per_constituency.items() or [(None, 0)]:
        audit_log(
            actor=actor_of(request),
            action=f"report.{found.key}.export",
            constituency_id=constituency_id,
            row_count=count,
            detail={"query": request.GET.urlencode()},
        )
    return response
