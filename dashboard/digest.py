"""The officers' weekly digest: the home page's to-do counts and what changed in
the last week, by email on Monday morning.

Sent as a comms reminder, so it is a tracked delivery like every other email: one
`Reminder` row per officer per ISO week (its unique key is the officer and the
week), so a beat that ticks twice, or a task that runs again, schedules nothing
new, and the delivery row makes the send itself exactly-once.

Consent: a digest is news (what changed last week), not a duty's reminder, so
like every digest it needs the officer's email consent in the ledger (general
news topic) as well as their subscription in the portal; the portal page says so
when consent is missing. An officer who turns it off, withdraws consent, or no
longer holds an office, gets nothing.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from dashboard.models import DigestSubscription
from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log
from partyhub.comms.models import Reminder, Topic
from partyhub.comms.reminders import ReminderKind, register, reminder_schedule
from partyhub.scoping import constituency_ids, current_offices, is_officer

if TYPE_CHECKING:
    from partyhub.accounts.models import User


KIND = "dashboard.weekly_digest"


def week_label(day: datetime.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


@transaction.atomic
def digest_subscribe(*, person: Any, on: bool, actor: User | None) -> bool:
    """Turn the officer's weekly digest on or off; True if anything changed."""
    if on:
        _row, changed = DigestSubscription.objects.get_or_create(person=person)
    else:
        changed = bool(DigestSubscription.objects.filter(person=person).delete()[0])
    if changed:
        audit_log(
            actor=actor,
            action=AuditAction.DIGEST_SUBSCRIBE
            if on
            else AuditAction.DIGEST_UNSUBSCRIBE,
            obj=person,
        )
    return changed


def digests_schedule(*, now: datetime.datetime | None = None) -> int:
    """One digest per subscribed officer for this week; idempotent."""
    now = now or timezone.now()
    week = week_label(timezone.localtime(now).date())
    scheduled = 0
    subscriptions = DigestSubscription.objects.select_related("person__user").order_by(
        "pk"
    )
    for subscription in subscriptions:
        person = subscription.person
        user = getattr(person, "user", None)
        if user is None or not is_officer(user):
            continue  # an office ended: no more officers' mail
        key = f"{KIND}:{person.pk}:{week}"
        if Reminder.objects.filter(key=key).exists():
            continue
        reminder_schedule(kind=KIND, person=person, due_at=now, key=key)
        scheduled += 1
    return scheduled


def _request_for(user) -> HttpRequest:
    request = HttpRequest()
    request.user = user
    return request


def changes_last_week(ids, now: datetime.datetime) -> list[tuple[str, int]]:
    """Joiners, lapses, bookings and supporter signups of the last seven days."""
    from events.models import Booking
    from members.models import Membership
    from supporters.models import Supporter

    since = now - datetime.timedelta(days=7)
    since_day = timezone.localtime(since).date()
    today = timezone.localtime(now).date()
    memberships = Membership.objects.for_constituency_ids(ids)
    return [
        (
            _("New members"),
            memberships.filter(joined__gt=since_day, joined__lte=today).count(),
        ),
        (
            _("Members who lapsed"),
            memberships.filter(
                status=Membership.Status.LAPSED,
                status_since__gt=since_day,
                status_since__lte=today,
            ).count(),
        ),
        (
            _("Event bookings"),
            Booking.objects.for_constituency_ids(ids)
            .filter(status=Booking.Status.YES, created__gt=since)
            .count(),
        ),
        (
            _("New supporters"),
            Supporter.objects.for_constituency_ids(ids)
            .filter(status=Supporter.Status.CONFIRMED, joined__gt=since_day)
            .count(),
        ),
    ]


def digest_body(user, *, now: datetime.datetime | None = None) -> str:
    from django.contrib import admin

    from dashboard.selectors import todos
    from members.desk.services import site_url

    now = now or timezone.now()
    ids = constituency_ids(user)
    lines = [_("Hello %(name)s,") % {"name": user.person.first_name}, ""]
    lines.append(_("**What needs doing** (each links to the list):"))
    lines.append("")
    for item in todos(admin.site, _request_for(user)):
        lines.append(f"- [{item.count} {item.label}]({site_url(item.url)})")
    lines += ["", _("**In the last seven days:**"), ""]
    for label, count in changes_last_week(ids, now):
        lines.append(f"- {label}: {count}")
    lines += [
        "",
        _("Your home page: %(url)s") % {"url": site_url("/admin/")},
        "",
        _("You asked for this weekly digest. Turn it off at %(url)s")
        % {"url": site_url("/me/digest/")},
    ]
    return "\n".join(lines)


def _subject(reminder) -> str:
    return _("Your week in %(clp)s") % {
        "clp": reminder.person.constituency.name
        if reminder.person.constituency_id
        else _("the party")
    }


def _body(reminder) -> str:
    return digest_body(reminder.person.user)


def _reason(reminder) -> str:
    roles = sorted({role for role, _cid in current_offices(reminder.person.user)})
    return _(
        "You hold office (%(roles)s) and asked for the officers' weekly digest."
    ) % {"roles": ", ".join(r.replace("_", " ") for r in roles) or _("none now")}


def register_kind() -> None:
    register(
        ReminderKind(
            kind=KIND,
            subject=_subject,
            body=_body,
            reason=_reason,
            topic=Topic.GENERAL,
        )
    )
