"""Demo communications: consent for most people, a segment and a draft per CLP,
the last four quarterly newsletters sent (with their deliveries, a few bounced)
and the next one scheduled."""

from __future__ import annotations

import datetime

from django.utils import timezone

from members.models import Constituency, Membership, Person
from partyhub.comms.consent import consent_record
from partyhub.comms.models import (
    Channel,
    ConsentState,
    Delivery,
    Message,
    Method,
    Segment,
)
from partyhub.comms.newsletter import next_quarter, quarter_label, quarter_start

WORDING = (
    "Demo data: agreed on the doorstep to hear from the party by email about news, "
    "events and campaigns."
)


def seed_comms(*, constituencies: list[Constituency], people: list[Person]) -> int:
    """Idempotent: people who already have an email consent entry are left alone."""
    recorded = set(
        ConsentState.objects.filter(
            person__in=people, channel=Channel.EMAIL, topic=""
        ).values_list("person_id", flat=True)
    )
    granted = 0
    for index, person in enumerate(sorted(people, key=lambda p: p.pk)):
        if not person.email or person.pk in recorded or index % 5 == 0:
            continue  # one in five never said yes: they must get nothing
        consent_record(
            person=person,
            channel=Channel.EMAIL,
            granted=True,
            method=Method.IMPORT,
            wording=WORDING,
        )
        granted += 1
    for constituency in constituencies:
        segment, _ = Segment.objects.get_or_create(
            constituency=constituency,
            name="Current members",
            defaults={
                "criteria": {"member_status": [Membership.Status.CURRENT]},
                "reason": f"You are a member of {constituency.name} Labour Party.",
            },
        )
        Message.objects.get_or_create(
            constituency=constituency,
            subject="Saturday leaflet team: new members welcome",
            defaults={
                "segment": segment,
                "body": (
                    "Our Saturday team meets at **10:00** outside the library and "
                    "delivers for an hour, then coffee.\n\nNo experience needed: "
                    "reply to this email and we will pair you with someone."
                ),
            },
        )
        _newsletters(constituency, segment)
    return granted


def _newsletters(constituency: Constituency, segment: Segment) -> None:
    """Four issues sent (each a week into its quarter) and the next scheduled."""
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    start = quarter_start(quarter_label(today))
    starts = [start]
    for _n in range(3):
        starts.insert(
            0, quarter_start(quarter_label(starts[0] - datetime.timedelta(1)))
        )
    readers = list(
        Person.objects.filter(
            constituency=constituency,
            memberships__status=Membership.Status.CURRENT,
            consents__channel=Channel.EMAIL,
            consents__topic="",
            consents__granted=True,
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    for n, day in enumerate(starts):
        sent_at = datetime.datetime.combine(
            day + datetime.timedelta(days=7), datetime.time(9), tzinfo=tz
        )
        if sent_at > timezone.now():
            sent_at = timezone.now() - datetime.timedelta(hours=1)
        label = quarter_label(day)
        message, _ = Message.objects.get_or_create(
            constituency=constituency,
            kind=Message.Kind.NEWSLETTER,
            quarter=label,
            defaults={
                "segment": segment,
                "subject": f"{constituency.name} Labour news, {label}",
                "body": "What we did this quarter, and what is coming up.",
                "status": Message.Status.SENT,
                "send_at": sent_at,
                "dispatched_at": sent_at,
                "finished_at": sent_at,
            },
        )
        Delivery.objects.bulk_create(
            [
                Delivery(
                    message=message,
                    person=person,
                    to_email=person.email,
                    status=Delivery.Status.FAILED
                    if (i + n) % 23 == 0
                    else Delivery.Status.SENT,
                    sent_at=sent_at,
                    error="550 mailbox unavailable" if (i + n) % 23 == 0 else "",
                )
                for i, person in enumerate(readers[: 40 + 10 * n])
            ],
            ignore_conflicts=True,
        )
    label, next_start = next_quarter(today)
    Message.objects.get_or_create(
        constituency=constituency,
        kind=Message.Kind.NEWSLETTER,
        quarter=label,
        defaults={
            "segment": segment,
            "subject": f"{constituency.name} Labour news, {label}",
            "body": "Draft: the new year's programme, the academy, our campaigns.",
            "status": Message.Status.SCHEDULED,
            "send_at": datetime.datetime.combine(
                next_start + datetime.timedelta(days=7), datetime.time(9), tzinfo=tz
            ),
        },
    )
