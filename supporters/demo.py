"""The supporters' club in the demo: supporters with help offers (some of whom
have since joined the party), unconfirmed signups, an ask with replies, and a
prize draw already made. Called by `manage.py seed_demo`; idempotent."""

from __future__ import annotations

import datetime

from django.utils import timezone

from members.demo.helpers import at, non_members_of, organiser
from members.models import Membership
from partyhub.comms.models import Delivery, Message
from supporters.models import (
    Ask,
    AskReply,
    HelpOffer,
    PrizeDraw,
    SignupRequest,
    Supporter,
)
from supporters.services.draws import prize_draw_run

DRAW_SEED = "demo-2005"


def seed_demo_app(*, constituencies: list, today: datetime.date) -> None:
    offers = list(HelpOffer.objects.filter(constituency=None).order_by("order", "pk"))
    if not offers:
        return
    for constituency in constituencies:
        people = non_members_of(constituency)
        supporters = []
        for n, person in enumerate(people):
            supporter, _ = Supporter.objects.get_or_create(
                person=person,
                defaults={
                    "constituency": constituency,
                    "status": Supporter.Status.CONFIRMED,
                    "source": (Supporter.Source.FORM, Supporter.Source.PETITION,
                               Supporter.Source.EVENT)[n % 3],
                    "joined": today - datetime.timedelta(days=10 + (n * 37) % 350),
                },
            )  # fmt: skip
            supporter.offers.set(
                [offers[n % len(offers)], offers[(n + 2) % len(offers)]]
            )
            supporters.append(supporter)
        _converted(constituency, today)
        for n in range(3):
            SignupRequest.objects.get_or_create(
                email=f"waiting{n + 1}.{constituency.slug}@example.org",
                defaults={
                    "constituency": constituency,
                    "data": {"first_name": "Sam", "postcode": ""},
                    "created": timezone.now() - datetime.timedelta(hours=5 * (n + 1)),
                    "confirmation_sent_at": timezone.now(),
                },
            )
        _ask(constituency, offers[0], supporters, today)
        _draw(constituency, today)


def _converted(constituency, today) -> None:
    """Members who joined in the last year were supporters first: conversion."""
    recent = (
        Membership.objects.filter(
            constituency=constituency,
            joined__gte=today - datetime.timedelta(days=330),
            joined__lte=today - datetime.timedelta(days=5),
        )
        .select_related("person")
        .order_by("pk")[:10]
    )
    for n, membership in enumerate(recent):
        if not membership.person.email:
            continue
        Supporter.objects.get_or_create(
            person=membership.person,
            defaults={
                "constituency": constituency,
                "status": Supporter.Status.CONFIRMED,
                "source": Supporter.Source.FORM if n % 2 else Supporter.Source.EVENT,
                "joined": membership.joined - datetime.timedelta(days=30 + 7 * n),
            },
        )


def _ask(constituency, offer, supporters, today) -> None:
    asked = [s for s in supporters if offer in s.offers.all()]
    message, _ = Message.objects.get_or_create(
        constituency=constituency,
        subject="Could you put up a poster?",
        defaults={
            "body": "The council elections are coming. Could you put a poster in "
            "your window? Reply with one click.",
            "status": Message.Status.SENT,
            "send_at": at(today, -6, 10),
            "dispatched_at": at(today, -6, 10),
            "finished_at": at(today, -6, 10, 5),
        },
    )
    ask, _ = Ask.objects.get_or_create(
        constituency=constituency,
        subject=message.subject,
        defaults={"offer": offer, "body": message.body, "message": message},
    )
    Delivery.objects.bulk_create(
        [
            Delivery(
                message=message,
                person=s.person,
                to_email=s.person.email,
                status=Delivery.Status.SENT,
                sent_at=message.finished_at,
            )
            for s in asked
        ],
        ignore_conflicts=True,
    )
    for n, supporter in enumerate(asked[:8]):
        AskReply.objects.get_or_create(
            ask=ask,
            person=supporter.person,
            defaults={
                "answer": AskReply.Answer.NO if n % 4 == 3 else AskReply.Answer.YES,
                "at": timezone.now() - datetime.timedelta(days=5 - n % 5),
            },
        )


def _draw(constituency, today) -> None:
    draw, _ = PrizeDraw.objects.get_or_create(
        constituency=constituency,
        name="Supporters' summer draw",
        defaults={
            "prize": "Two tickets to the Christmas party",
            "closes_on": today - datetime.timedelta(days=20),
            "winners_wanted": 2,
        },
    )
    if draw.drawn_at is None and draw.closes_on < today:
        prize_draw_run(draw=draw, actor=organiser(), seed=DRAW_SEED)
