"""The demo's data-protection history, per constituency: one merge of duplicate
records an officer finished, and one erasure carried out (its address is now on
the erased list, so a later import or signup with it is held), and an open request
for a copy of a member's data, due a month after it arrived. Both go through
the real services; each is done once, so a second seed_demo changes nothing."""

from __future__ import annotations

import datetime

from members.demo.helpers import members_of
from members.models import Office, Person, Postcode
from members.roles import Role
from partyhub.personal_data.models import DataRequest, MergeRecord, add_months
from partyhub.personal_data.services import (
    data_request_create,
    erasure_carry_out,
    person_merge,
)

# (first, last, email, phone) of the two records of one human, per CLP: the kept
# record, then the one merged into it (typed in again at a street stall).
_DUPLICATES = {
    "birmingham-hodge-hill": (
        ("Bernadette", "Okafor", "bernadette.okafor@example.org", ""),
        ("Bernie", "Okafor", "", "07700 900412"),
    ),
    "reading-west": (
        ("Gareth", "Llewellyn", "gareth.llewellyn@example.org", ""),
        ("Gareth", "Llewelyn", "", "07700 900587"),
    ),
}
# A pair still to look at on "Likely duplicates": same name and postcode, one
# signed a petition online, the other was typed in from a canvass sheet.
_LIKELY = {
    "birmingham-hodge-hill": (
        ("Nasreen", "Akhtar", "nasreen.akhtar@example.org", ""),
        ("Nasreen", "Akhtar", "", "07700 900733"),
    ),
    "reading-west": (
        ("Callum", "Birch", "callum.birch@example.org", ""),
        ("Callum", "Birch", "", "07700 900846"),
    ),
}
_STREET = {
    "birmingham-hodge-hill": ("12 Coleshill Road", "Birmingham"),
    "reading-west": ("48 Oxford Road", "Reading"),
}
_ERASED = {
    "birmingham-hodge-hill": ("Tamsin", "Rowe", "tamsin.rowe@example.org"),
    "reading-west": ("Declan", "Fairweather", "declan.fairweather@example.org"),
}


def _chair(constituency):
    office = (
        Office.objects.filter(constituency=constituency, role=Role.CHAIR, branch=None)
        .current()
        .select_related("person__user")
        .first()
    )
    return office.person.user if office and office.person.user_id else None


def _person(constituency, postcode, first, last, email, phone) -> Person:
    return Person.objects.create(
        **_values(constituency, postcode, first, last, email, phone)
    )


def _values(constituency, postcode, first, last, email, phone) -> dict:
    return dict(
        first_name=first,
        last_name=last,
        email=email,
        phone=phone,
        address_line_1=_STREET.get(constituency.slug, ("", ""))[0],
        town=_STREET.get(constituency.slug, ("", constituency.name))[1],
        postcode=postcode.postcode if postcode else "",
        constituency=constituency,
        ward=postcode.ward if postcode else None,
    )


def seed_demo_app(*, constituencies: list, today: datetime.date) -> None:
    for constituency in constituencies:
        if constituency.slug not in _DUPLICATES:
            continue
        postcode = (
            Postcode.objects.filter(constituency=constituency)
            .order_by("postcode")
            .first()
        )
        chair = _chair(constituency)
        for row in _LIKELY[constituency.slug]:
            values = _values(constituency, postcode, *row)
            Person.objects.get_or_create(
                first_name=values.pop("first_name"),
                last_name=values.pop("last_name"),
                email=values.pop("email"),
                phone=values.pop("phone"),
                constituency=values.pop("constituency"),
                defaults=values,
            )
        if not MergeRecord.objects.filter(constituency=constituency).exists():
            kept, merged = (
                _person(constituency, postcode, *row)
                for row in _DUPLICATES[constituency.slug]
            )
            person_merge(survivor=kept, merged=merged, take=["phone"], actor=chair)
        if not DataRequest.objects.filter(
            constituency=constituency,
            kind=DataRequest.Kind.ERASURE,
            status=DataRequest.Status.DONE,
        ).exists():
            person = _person(constituency, postcode, *_ERASED[constituency.slug], "")
            received = today - datetime.timedelta(days=24)
            request = DataRequest.objects.create(
                person=person,
                kind=DataRequest.Kind.ERASURE,
                constituency=constituency,
                reason="Please delete everything you hold about me.",
                received_on=received,
                received_how=DataRequest.Received.EMAIL,
                deadline=add_months(received, 1),
                status=DataRequest.Status.APPROVED,
                handled_by=chair,
            )
            # The worker's part, here and now: the goodbye email goes out after
            # commit through the configured backend (console or locmem).
            erasure_carry_out(request_id=request.pk)
        members = members_of(constituency)
        if members:
            data_request_create(
                person=members[-2],
                kind=DataRequest.Kind.ACCESS,
                actor=None,
                reason="Could I have a copy of the data you hold about me?",
                received_on=today - datetime.timedelta(days=9),
                received_how=DataRequest.Received.EMAIL,
            )
