"""Two years of joins, lapses and rejoins in the demo, so the home page's charts
have shape: deterministic dates from each membership number (no randomness), put
back on every run. Also an open request about personal data per constituency."""

from __future__ import annotations

import datetime
import zlib

from members.models import Constituency, Membership, Person
from partyhub.personal_data.models import DataRequest

Status = Membership.Status
TWO_YEARS = 730


def _spread(number: str, low: int, high: int) -> int:
    return low + zlib.crc32(number.encode()) % (high - low)


def seed_history(*, constituencies: list[Constituency], today: datetime.date) -> None:
    days = datetime.timedelta
    changed = []
    memberships = Membership.objects.filter(constituency__in=constituencies).order_by(
        "pk"
    )
    for n, m in enumerate(memberships):
        key = m.membership_number
        if m.status == Status.CURRENT and today - m.joined > days(days=35):
            if n % 3 == 0:  # a third of current members joined in the last two years
                m.joined = today - days(days=_spread(key, 35, TWO_YEARS))
            elif n % 17 == 0:  # some came back after a lapse
                m.rejoined_on = today - days(days=_spread(key, 20, TWO_YEARS))
        elif m.status in (Status.LAPSED, Status.RESIGNED) and n % 5:
            m.status_since = today - days(days=_spread(key, 10, TWO_YEARS))
        elif m.status == Status.ARREARS:
            m.status_since = today - days(days=_spread(key, 5, 170))
        else:
            continue
        changed.append(m)
    Membership.objects.bulk_update(
        changed, ["joined", "rejoined_on", "status_since"], batch_size=500
    )
    for constituency in constituencies:
        if DataRequest.objects.filter(
            constituency=constituency,
            kind=DataRequest.Kind.ERASURE,
            status__in=DataRequest.OPEN_STATUSES,
        ).exists():
            continue  # the newest supporter may be another demo's record by now
        person = (
            Person.objects.filter(constituency=constituency, memberships=None)
            .exclude(email="")
            .order_by("-pk")
            .first()
        )
        if person is not None:
            DataRequest.objects.get_or_create(
                person=person,
                constituency=constituency,
                kind=DataRequest.Kind.ERASURE,
                defaults={"reason": "I moved away and no longer want to be contacted."},
            )
