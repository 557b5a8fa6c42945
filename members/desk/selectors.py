"""The renewal desk's lists and the mentoring report (reads only).

The lists, relative to today:
- new: joined in the last NEW_MEMBER_DAYS (settings; 30 by default);
- rejoiners: rejoined in the last NEW_MEMBER_DAYS (a rejoiner is a new member);
- arrears: in arrears now;
- about to lapse: current members whose subscription runs out in the next 30
  days, and members in arrears for 150 days or more (a membership in arrears for
  six months, 180 days, lapses);
- lapsed: lapsed in the last 90 days;
- keep in touch: lapsed or resigned more than 90 days ago, and nobody has logged
  a contact with them in the last 12 months (the once-a-year call);
- needs a mentor: joined or rejoined in the last NEW_MEMBER_DAYS, current, no mentor;
- not contacted: joined in the last NEW_MEMBER_DAYS, current, and no contact logged
  since;
- newly in arrears: fell into arrears in the last 30 days.
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members.models import ContactLog, Membership, Mentorship
from members.selectors import new_member_since
from partyhub.comms.models import Channel, ConsentState

ARREARS_LAPSE_DAYS = 180
SOON_DAYS = 30
RECENT_DAYS = 90

Status = Membership.Status


def _new_label() -> str:
    return gettext("New members (last %(days)s days)") % {
        "days": settings.NEW_MEMBER_DAYS
    }


def _rejoiners_label() -> str:
    return gettext("Rejoined (last %(days)s days)") % {"days": settings.NEW_MEMBER_DAYS}


DESK_LISTS: dict[str, object] = {
    "new": lazy(_new_label, str)(),
    "rejoiners": lazy(_rejoiners_label, str)(),
    "arrears": _("In arrears"),
    "lapsing": _("About to lapse"),
    "lapsed": _("Lapsed (last 90 days)"),
    "keep_in_touch": _("Former members to keep in touch with"),
    "no_mentor": _("New members without a mentor"),
    "uncontacted": _("New members nobody has contacted yet"),
    "new_arrears": _("Newly in arrears (last 30 days)"),
}


def desk_conditions(today: datetime.date | None = None) -> dict[str, Q]:
    today = today or timezone.localdate()
    days = datetime.timedelta
    contacted_this_year = Exists(
        ContactLog.objects.filter(
            person=OuterRef("person"),
            at__gte=timezone.now() - days(days=365),
        )
    )
    mentored = Exists(
        Mentorship.objects.filter(
            mentee=OuterRef("person"), status=Mentorship.Status.ACTIVE
        )
    )
    recent = today - days(days=RECENT_DAYS)
    new_since = new_member_since(today)
    soon_since = today - days(days=SOON_DAYS)
    # A welcome call or any other contact logged since they joined.
    contacted_since_joining = Exists(
        ContactLog.objects.filter(
            person=OuterRef("person"), at__date__gte=OuterRef("joined")
        )
    )
    return {
        "new": Q(joined__gte=new_since, joined__lte=today),
        "rejoiners": Q(rejoined_on__gte=new_since, rejoined_on__lte=today),
        "arrears": Q(status=Status.ARREARS),
        "lapsing": Q(
            status=Status.CURRENT,
            expires__gte=today,
            expires__lte=today + days(days=SOON_DAYS),
        )
        | Q(
            status=Status.ARREARS,
            status_since__lte=today - days(days=ARREARS_LAPSE_DAYS - SOON_DAYS),
        ),
        "lapsed": Q(status=Status.LAPSED, status_since__gte=recent),
        "keep_in_touch": Q(status__in=[Status.LAPSED, Status.RESIGNED])
        & (Q(status_since__lt=recent) | Q(status_since__isnull=True))
        & ~Q(contacted_this_year),
        "no_mentor": Q(status=Status.CURRENT)
        & (Q(joined__gte=new_since) | Q(rejoined_on__gte=new_since))
        & ~Q(mentored),
        "uncontacted": Q(
            status=Status.CURRENT, joined__gte=new_since, joined__lte=today
        )
        & ~Q(contacted_since_joining),
        "new_arrears": Q(status=Status.ARREARS, status_since__gte=soon_since),
    }


def desk_annotate(queryset: QuerySet) -> QuerySet:
    """Last contact, current mentor and whether the member said no to phone calls
    (or to any contact), each a subquery (no query per row)."""
    last_contact = (
        ContactLog.objects.filter(person=OuterRef("person"))
        .order_by("-at")
        .values("at")[:1]
    )
    mentor = (
        Mentorship.objects.filter(
            mentee=OuterRef("person"), status=Mentorship.Status.ACTIVE
        )
        .annotate(
            name=Concat(
                "mentor__person__first_name", Value(" "), "mentor__person__last_name"
            )
        )
        .values("name")[:1]
    )
    phone_refused = ConsentState.objects.filter(
        person=OuterRef("person"),
        channel__in=[Channel.PHONE, Channel.ANY],
        topic="",
        granted=False,
    )
    return queryset.annotate(
        last_contact_at=Subquery(last_contact),
        mentor_name=Subquery(mentor),
        phone_refused=Exists(phone_refused),
    )


def desk_counts(queryset: QuerySet) -> dict[str, int]:
    conditions = desk_conditions()
    return queryset.aggregate(
        **{key: Count("pk", filter=q) for key, q in conditions.items()}
    )


# --- time to first contact ------------------------------------------------------


@dataclass
class MonthRow:
    month: datetime.date
    welcomed: int
    contacted: int
    waiting: int
    median_days: float | None
    average_days: float | None


def first_contact_report(queryset: QuerySet) -> list[MonthRow]:
    """Per month of welcome: how long new members waited for a first contact.

    Days are counted from the welcome (when the member joined or rejoined and the
    import told us), not from the mentor's assignment: a member with no mentor
    waits too. "Waiting" counts those with no contact logged yet.
    """
    rows = queryset.exclude(status=Mentorship.Status.ENDED, first_contact_at=None)
    months: dict[datetime.date, list] = {}
    for started, first in rows.values_list("started_at", "first_contact_at"):
        month = timezone.localtime(started).date().replace(day=1)
        months.setdefault(month, []).append(
            None if first is None else (first - started).total_seconds() / 86400
        )
    report = []
    for month in sorted(months, reverse=True):
        waits = months[month]
        done = [max(w, 0.0) for w in waits if w is not None]
        report.append(
            MonthRow(
                month=month,
                welcomed=len(waits),
                contacted=len(done),
                waiting=len(waits) - len(done),
                median_days=round(statistics.median(done), 1) if done else None,
                average_days=round(statistics.fmean(done), 1) if done else None,
            )
        )
    return report
