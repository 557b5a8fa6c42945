"""Demo communications: consent for most people, a segment and a draft per CLP."""

from __future__ import annotations

from members.models import Constituency, Membership, Person
from partyhub.comms.consent import consent_record
from partyhub.comms.models import Channel, ConsentState, Message, Method, Segment

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
    return granted
