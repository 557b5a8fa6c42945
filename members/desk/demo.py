"""Demo data for the renewal desk and mentoring (called by the demo seed).

One mentor per branch (a long-standing member), the new members of the last
four weeks mentored, about half already contacted, and a few contacts with
members in arrears: enough for the desk's lists and the report to show
something. No email is scheduled: the demo's mentors are not nagged about
mentees who were "welcomed" before the demo existed. Idempotent.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from members.desk.selectors import SOON_DAYS
from members.models import (
    Branch,
    Constituency,
    ContactLog,
    Membership,
    Mentor,
    Mentorship,
)


@transaction.atomic
def seed_desk(*, constituencies: Iterable[Constituency]) -> int:
    """Returns how many mentorships the demo holds."""
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    count = 0
    for constituency in constituencies:
        for branch in Branch.objects.filter(constituency=constituency):
            veteran = (
                Membership.objects.filter(
                    branch=branch,
                    status=Membership.Status.CURRENT,
                    joined__lte=today - datetime.timedelta(days=730),
                )
                .order_by("pk")
                .first()
            )
            if veteran is not None:
                Mentor.objects.get_or_create(
                    person_id=veteran.person_id,
                    constituency=constituency,
                    defaults={"branch": branch, "capacity": 3},
                )
        mentors = list(Mentor.objects.filter(constituency=constituency).order_by("pk"))
        load = {
            m.pk: m.mentorships.filter(status=Mentorship.Status.ACTIVE).count()
            for m in mentors
        }
        new = Membership.objects.filter(
            constituency=constituency,
            status=Membership.Status.CURRENT,
            joined__gte=today - datetime.timedelta(days=SOON_DAYS),
        ).order_by("pk")
        for n, membership in enumerate(new):
            started = datetime.datetime.combine(
                membership.joined, datetime.time(10), tzinfo=tz
            )
            with_room = [m for m in mentors if load[m.pk] < m.capacity]
            mentor = next(
                (m for m in with_room if m.branch_id == membership.branch_id),
                with_room[0] if with_room else None,
            )
            mentorship, created = Mentorship.objects.get_or_create(
                mentee_id=membership.person_id,
                defaults={
                    "membership": membership,
                    "constituency": constituency,
                    "mentor": mentor,
                    "started_at": started,
                    "assigned_at": started if mentor else None,
                    "status": Mentorship.Status.ACTIVE
                    if mentor
                    else Mentorship.Status.UNASSIGNED,
                },
            )
            count += 1
            if created and mentor:
                load[mentor.pk] += 1
            if created and mentor and n % 2 == 0:
                at = min(started + datetime.timedelta(days=2 + n), timezone.now())
                ContactLog.objects.create(
                    person_id=membership.person_id,
                    by_person_id=mentor.person_id,
                    at=at,
                    how=ContactLog.How.CALL,
                    outcome=ContactLog.Outcome.SPOKE,
                    note="Welcome call: keen to help with leafleting.",
                )
                mentorship.first_contact_at = at
                mentorship.save(update_fields=["first_contact_at"])
        arrears = Membership.objects.filter(
            constituency=constituency, status=Membership.Status.ARREARS
        ).order_by("pk")[:3]
        for membership in arrears:
            ContactLog.objects.get_or_create(
                person_id=membership.person_id,
                how=ContactLog.How.CALL,
                outcome=ContactLog.Outcome.WILL_RENEW,
                defaults={"note": "Direct debit failed; will renew online."},
            )
    return count
