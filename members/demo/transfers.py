"""A member who moved: Farida Ashworth, a Hodge Hill member, rang to give her new
Reading West address and the membership secretary typed it in on her page, so a
transfer waits for Reading West's officers to decide (Hodge Hill's see it too,
read-only). Until then she stays in Hodge Hill with no ward, as the person page
leaves her. She is no one of the generated cast (whose records the seed puts back
at their old addresses) and has no email, so the lists the other demos pick people
from stay as they were; made once, one pending transfer."""

from __future__ import annotations

import datetime

from django.utils import timezone

from members.models import (
    Constituency,
    Membership,
    Office,
    Person,
    Postcode,
    Transfer,
)
from members.roles import Role
from members.transfers import transfer_request

MOVER = {"first_name": "Farida", "last_name": "Ashworth"}


def seed_transfers(*, constituencies: list[Constituency], today: datetime.date) -> None:
    if len(constituencies) < 2:
        return
    home, elsewhere = constituencies[0], constituencies[1]
    if Transfer.objects.filter(
        person__first_name=MOVER["first_name"], person__last_name=MOVER["last_name"]
    ).exists():
        return
    new_home = (
        Postcode.objects.filter(constituency=elsewhere)
        .exclude(ward=None)
        .order_by("postcode")
        .first()
    )
    if new_home is None:
        return
    person, _created = Person.objects.get_or_create(
        **MOVER,
        constituency=home,
        defaults={
            "mobile": "07700 900000",
            "address_line_1": "7 Kennet Walk",
            "town": "Reading",
            "postcode": new_home.postcode,
            "ward": None,
        },
    )
    Membership.objects.get_or_create(
        person=person,
        constituency=home,
        defaults={
            # Apart from the generated numbers (L41 0xxxx), the cast (L41 9xxxx) and
            # the joiner in the demo changes file (L41 80001).
            "membership_number": "L4170001",
            "status": Membership.Status.CURRENT,
            "joined": today - datetime.timedelta(days=6 * 365),
        },
    )
    secretary = (
        Office.objects.filter(
            constituency=home, role=Role.MEMBERSHIP_SECRETARY, branch=None
        )
        .current()
        .select_related("person__user")
        .first()
    )
    transfer = transfer_request(
        person=person,
        lookup=new_home,
        source=Transfer.Source.ADMIN,
        actor=secretary.person.user if secretary else None,
    )
    Transfer.objects.filter(pk=transfer.pk).update(
        requested=timezone.now() - datetime.timedelta(days=3)
    )
