"""Small helpers the apps' demo modules share (see members.demo.seed)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from members.models import Constituency, Membership, Person


def at(today: datetime.date, days: int, hour: int = 19, minute: int = 0):
    """A moment `days` after today (negative: before) at a local time."""
    return datetime.datetime.combine(
        today + datetime.timedelta(days=days),
        datetime.time(hour, minute),
        tzinfo=timezone.get_current_timezone(),
    )


def members_of(constituency: Constituency) -> list[Person]:
    """Current members of the constituency with an email, in a stable order."""
    return list(
        Person.objects.filter(
            constituency=constituency,
            memberships__status=Membership.Status.CURRENT,
            memberships__constituency=constituency,
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def non_members_of(constituency: Constituency) -> list[Person]:
    """People of the constituency who are not members (the demo's supporters)."""
    return list(
        Person.objects.filter(constituency=constituency, memberships=None)
        .exclude(email="")
        .order_by("pk")
    )


def organiser():
    from partyhub.accounts.models import User

    return User.objects.filter(is_superuser=True).order_by("pk").first()
