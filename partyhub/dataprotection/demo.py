"""The demo's data-protection desk, per constituency: the TPS list as uploaded a
fortnight ago (numbers of the area that none of the demo people has, so no demo
call list changes), last night's retention run with its report sent, and a lapsed
member who agreed to stay on record as a former member. Each is made once, with
dates relative to today, so a second seed_demo changes nothing."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from members.models import Membership, Office, Person
from members.roles import Role
from partyhub.dataprotection.models import KeepAsFormerMember, RetentionRun, TpsUpload
from partyhub.dataprotection.tps import normalise_phone, tps_list_upload

# Ofcom's drama ranges, as the demo's own numbers are: landlines by area, mobiles.
_LANDLINE = {"birmingham-hodge-hill": "0121 496 0", "reading-west": "0118 496 0"}
_MOBILE = "07700 900"
_TPS_NUMBERS = 8


def _chair(constituency):
    office = (
        Office.objects.filter(constituency=constituency, role=Role.CHAIR, branch=None)
        .current()
        .select_related("person__user")
        .first()
    )
    return office.person.user if office and office.person.user_id else None


def _tps_file(constituency) -> bytes:
    """Numbers of the area nobody in the demo has, as the TPS file lists them."""
    taken = {
        normalise_phone(number)
        for pair in Person.objects.filter(constituency=constituency).values_list(
            "phone", "mobile"
        )
        for number in pair
        if number
    }
    prefix = _LANDLINE.get(constituency.slug, "0121 496 0")
    candidates = (f"{p}{n:03d}" for n in range(999, 0, -1) for p in (prefix, _MOBILE))
    free = (c for c in candidates if normalise_phone(c) not in taken)
    numbers = list(itertools.islice(free, _TPS_NUMBERS))
    return "".join(f"{n.replace(' ', '')}\n" for n in numbers).encode()


def seed_demo_app(*, constituencies: list, today: datetime.date) -> None:
    now = timezone.now()
    for constituency in constituencies:
        chair = _chair(constituency)
        if not TpsUpload.objects.filter(constituency=constituency).exists():
            upload = tps_list_upload(
                constituency=constituency,
                data=_tps_file(constituency),
                file_name=f"tps-{(today - datetime.timedelta(days=14)):%Y-%m}.txt",
                actor=chair,
            )
            upload.uploaded_at = now - datetime.timedelta(days=14)
            upload.save(update_fields=["uploaded_at"])

        # The record of last night's run (it removed nothing) with its report sent;
        # the schedule page previews what the next run would remove.
        last_night = now - datetime.timedelta(days=1)
        RetentionRun.objects.get_or_create(
            constituency=constituency,
            run_on=timezone.localtime(last_night).date(),
            defaults={
                "as_of": last_night,
                "status": RetentionRun.Status.DONE,
                "started": last_night,
                "finished": last_night + datetime.timedelta(minutes=1),
                "counts": {},
                "reported_at": last_night + datetime.timedelta(minutes=2),
            },
        )

        if not KeepAsFormerMember.objects.filter(
            person__constituency=constituency
        ).exists():
            lapsed = (
                Person.objects.filter(
                    constituency=constituency,
                    memberships__constituency=constituency,
                    memberships__status=Membership.Status.LAPSED,
                )
                .order_by("pk")
                .first()
            )
            if lapsed is not None:
                KeepAsFormerMember.objects.create(
                    person=lapsed,
                    agreed_on=today - datetime.timedelta(days=30),
                    how="On the phone to the membership secretary, when their "
                    "membership lapsed.",
                    recorded_by=chair,
                )
