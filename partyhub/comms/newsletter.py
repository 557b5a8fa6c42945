"""The quarterly newsletter: one issue per quarter per constituency.

An issue is a Message of kind "newsletter" for a quarter ("2027-Q1"), scheduled
like any message; the beat tick sends it when due. Three weeks before a quarter
begins, the chair and secretary of a CLP with no issue prepared get a reminder.
"""

from __future__ import annotations

import datetime

from django.apps import apps
from django.utils import timezone

from partyhub.comms.models import Message
from partyhub.comms.reminders import reminder_schedule

WARNING = datetime.timedelta(weeks=3)
REMIND_ROLES = ("chair", "secretary")


def quarter_label(day: datetime.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_start(label: str) -> datetime.date:
    year, q = label.split("-Q")
    return datetime.date(int(year), (int(q) - 1) * 3 + 1, 1)


def next_quarter(day: datetime.date) -> tuple[str, datetime.date]:
    month = ((day.month - 1) // 3 + 1) * 3 + 1
    start = datetime.date(day.year + (month > 12), (month - 1) % 12 + 1, 1)
    return quarter_label(start), start


def newsletter_reminders_schedule(*, today: datetime.date | None = None) -> int:
    """Remind officers of CLPs with no issue for the coming quarter. Idempotent: one
    reminder per officer per quarter, however often it runs."""
    today = today or timezone.localdate()
    label, start = next_quarter(today)
    if today < start - WARNING:
        return 0
    constituency_model = apps.get_model("members", "Constituency")
    office_model = apps.get_model("members", "Office")
    prepared = Message.objects.filter(
        kind=Message.Kind.NEWSLETTER, quarter=label
    ).exclude(status=Message.Status.CANCELLED)
    missing = constituency_model.objects.exclude(
        pk__in=prepared.values("constituency_id")
    )
    scheduled = 0
    offices = (
        office_model.objects.current(today)
        .filter(constituency__in=missing, role__in=REMIND_ROLES)
        .select_related("person", "constituency")
    )
    for office in offices:
        reminder_schedule(
            kind="comms.newsletter_missing",
            person=office.person,
            due_at=timezone.now(),
            about=office.constituency,
            key=f"newsletter-missing:{office.constituency_id}:{label}:{office.person_id}",
        )
        scheduled += 1
    return scheduled
