"""Canvassing in the demo: each constituency's register for two polling districts,
an imprint, its plain member appointed canvass lead, walks made and a part of
them canvassed. Idempotent: a district's register is imported once, the returns
have fixed keys, walks are made once."""

from __future__ import annotations

import csv
import datetime
import io
import uuid
from typing import Any

from django.utils import timezone

from canvassing.models import Elector, Imprint, PollingDistrict, Walk
from canvassing.services import (
    ReturnData,
    canvass_lead_appoint,
    register_import,
    return_record,
    walks_create,
)
from members.models import Person, Ward

STREETS = ["Church Road", "Station Road", "Victoria Street", "Park Avenue",
           "Mill Lane", "Queens Road"]  # fmt: skip
SURNAMES = ["Ahmed", "Brown", "Clarke", "Davies", "Evans", "Flynn", "Green", "Hussain",
            "Jones", "Khan", "Lewis", "Morris", "Nowak", "Okafor", "Patel", "Quinn"]  # fmt: skip
FIRST = ["Amira", "Ben", "Chloe", "David", "Ella", "Farid", "Grace", "Harry", "Iqra",
         "Jack", "Kiran", "Leah", "Mo", "Nia", "Owen", "Priya"]  # fmt: skip
ANSWERS = ["ours", "ours", "other", "undecided", "not_in", "ours", "wont_say"]
NS = uuid.UUID("6f1d2c1e-22aa-4c8e-9b1e-2c0ffee00022")


def _register(code: str, seed: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Elector Number", "Surname", "First Names", "Address 1",
                     "Postcode", "Markers"])  # fmt: skip
    n = 1
    for s, street in enumerate(STREETS):
        for house in range(1, 26):
            surname = SURNAMES[(house + s + seed) % len(SURNAMES)]
            for _person in range(1 + (house + seed) % 3):
                writer.writerow([
                    n, surname, FIRST[(n + seed) % len(FIRST)], f"{house} {street}",
                    f"B{8 + seed} {s}AA", "P" if n % 7 == 0 else "",
                ])  # fmt: skip
                n += 1
    return out.getvalue().encode()


def seed_demo_app(*, constituencies: list[Any], today: datetime.date) -> None:
    for index, constituency in enumerate(constituencies):
        wards = list(
            Ward.objects.filter(constituency=constituency).order_by("name")[:2]
        )
        if not wards:
            continue
        Imprint.objects.get_or_create(
            constituency=constituency,
            defaults={
                "promoter": "Pat Agent",
                "on_behalf_of": f"{constituency.name} Constituency Labour Party",
                "address": constituency.postal_address.replace("\n", ", ")
                or "1 Party House, Birmingham B8 1AA",
            },
        )
        lead = (
            Person.objects.filter(
                constituency=constituency, email__startswith="member@"
            )
            .exclude(user=None)
            .first()
        )
        if lead is not None:
            canvass_lead_appoint(constituency=constituency, person=lead, actor=None)
        for d, ward in enumerate(wards):
            code = f"{constituency.slug[:2].upper()}{d + 1}"
            district, _created = PollingDistrict.objects.get_or_create(
                constituency=constituency,
                code=code,
                defaults={"ward": ward, "name": ward.name},
            )
            if not district.electors.exists():
                register_import(
                    district=district,
                    data=_register(code, index * 2 + d),
                    update=False,
                    actor=None,
                    file_name=f"{code}.csv",
                )
            if not Walk.objects.filter(district=district).exists():
                walks_create(
                    constituency=constituency,
                    district=district,
                    target=Walk.Target.ALL,
                    size=40,
                    actor=None,
                )
            _canvass(district, today)


def _canvass(district: PollingDistrict, today: datetime.date) -> None:
    """Two Saturdays' canvassing of the first streets: fixed keys, so a second
    seed records nothing twice."""
    when = timezone.now() - datetime.timedelta(days=(today.weekday() + 2) % 7 + 1)
    electors = Elector.objects.filter(district=district).order_by("number_sort")[:140]
    for n, elector in enumerate(electors):
        return_record(
            elector=elector,
            data=ReturnData(
                key=uuid.uuid5(NS, f"{district.pk}:{elector.number}"),
                answer=ANSWERS[n % len(ANSWERS)],
                poster=n % 11 == 0,
                postal_vote_wanted=n % 13 == 0,
                recorded_at=when - datetime.timedelta(days=7 * (n % 2)),
            ),
            actor=None,
        )
