"""The demo's national membership export, consistent with `seed_demo`.

`national_export_csv(today)` gives Birmingham Hodge Hill's members as the national
register would export them on that day (the demo's join dates count back from
today, so the file is made for the day); `changes=True` gives the export a week
later: one new joiner, one member lapsed and one member who moved house (to a
postcode in another ward). The admin's import page offers both for download when
DEBUG is on; members/demo/national_export*.csv are copies made on 2026-11-25 for
`manage.py import_members` (their join dates differ from a later seed's, so
their first import also corrects join dates).

    manage.py shell -c "from members.demo.national_export import write_demo_exports; write_demo_exports()"
"""

from __future__ import annotations

import csv
import datetime
import io
import zlib
from pathlib import Path

from members.models import Membership

DEMO_SLUG = "birmingham-hodge-hill"
HEADER = (
    "Membership Number",
    "Forename",
    "Surname",
    "Email Address",
    "Address1",
    "Address2",
    "Town",
    "Post Code",
    "Phone",
    "Mobile",
    "Membership Status",
    "Join Date",
    "Paid Up Until",
    "Trade Union",
)
_STATUS_LABEL = {
    Membership.Status.CURRENT: "Current",
    Membership.Status.ARREARS: "Arrears",
    Membership.Status.LAPSED: "Lapsed",
    Membership.Status.RESIGNED: "Resigned",
}
NEW_JOINER = {
    "number": "L4180001",
    "first_name": "Amara",
    "last_name": "Osei",
    "email": "amara.osei@example.net",
    "address_line_1": "14 Bromford Lane",
}


def _expires(number: str, status: str, joined: datetime.date, today: datetime.date):
    spread = zlib.crc32(number.encode()) % 300
    if status == Membership.Status.CURRENT:
        return today + datetime.timedelta(days=30 + spread)
    if status == Membership.Status.ARREARS:
        return today - datetime.timedelta(days=1 + spread % 60)
    return max(joined, today - datetime.timedelta(days=200 + spread))


def _fmt(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def national_export_rows(
    today: datetime.date, *, changes: bool = False
) -> list[list[str]]:
    from members.demo.postcodes import ward_postcodes
    from members.demo.seed import _make_cast

    cast = _make_cast(today)
    people = [
        p for p in cast.people if p.membership and p.clp and p.clp.slug == DEMO_SLUG
    ]
    rows = []
    lapse = move = None
    if changes:
        ordinary = [
            p
            for p in people
            if p.membership.status == Membership.Status.CURRENT
            and p.placed
            and not p.membership.number.startswith(f"L{p.clp.membership_prefix}9")
            and p.membership.joined < today - datetime.timedelta(days=60)
        ]
        lapse, move = ordinary[0], ordinary[1]
    for person in people:
        m = person.membership
        status = m.status
        line_1, postcode = person.address_line_1, person.postcode
        if person is lapse:
            status = Membership.Status.LAPSED
        if person is move:
            ward = next(w for w in person.clp.wards if postcode not in _codes(w))
            line_1 = f"7 {ward.streets[0]}"
            postcode = ward_postcodes()[ward.ons_code][0]
        rows.append(
            [
                m.number,
                person.first_name,
                person.last_name,
                person.email,
                line_1,
                person.address_line_2,
                person.town,
                postcode,
                person.phone,
                person.mobile,
                _STATUS_LABEL[status],
                _fmt(m.joined),
                _fmt(_expires(m.number, m.status, m.joined, today)),
                m.trade_union,
            ]
        )
    if changes:
        clp = people[0].clp
        ward = clp.wards[0]
        rows.append(
            [
                NEW_JOINER["number"],
                NEW_JOINER["first_name"],
                NEW_JOINER["last_name"],
                NEW_JOINER["email"],
                NEW_JOINER["address_line_1"],
                "",
                clp.town,
                ward_postcodes()[ward.ons_code][1],
                "",
                "07700 900123",
                "Current",
                _fmt(today - datetime.timedelta(days=2)),
                _fmt(today + datetime.timedelta(days=363)),
                "",
            ]
        )
    return rows


def _codes(ward) -> set[str]:
    from members.demo.postcodes import ward_postcodes

    return set(ward_postcodes()[ward.ons_code])


def national_export_csv(today: datetime.date, *, changes: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(national_export_rows(today, changes=changes))
    return out.getvalue().encode("utf-8")


def write_demo_exports(today: datetime.date | None = None) -> list[Path]:
    from django.utils import timezone

    today = today or timezone.localdate()
    here = Path(__file__).parent
    written = []
    for name, changes in (
        ("national_export.csv", False),
        ("national_export_changes.csv", True),
    ):
        path = here / name
        path.write_bytes(national_export_csv(today, changes=changes))
        written.append(path)
    return written
