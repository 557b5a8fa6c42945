"""The prize draw: fair, reproducible from its recorded seed and entrants."""

from __future__ import annotations

import random
import secrets
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Person
from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log
from partyhub.comms.reminders import reminder_schedule
from supporters.models import PrizeDraw, Supporter
from supporters.services.common import SupportersError

if TYPE_CHECKING:
    from partyhub.accounts.models import User


PRIZE_WINNER_REMINDER = "supporters.prize_draw_winner"


def prize_draw_entrants(draw: PrizeDraw) -> list[int]:
    """Person ids of the CLP's confirmed supporters on the closing date, sorted.

    Confirmed then means: joined by the closing date and not left before it (a
    supporter who left after the draw closed was in it).
    """
    day = draw.closes_on
    joined_on = Coalesce(F("joined"), TruncDate("created"))
    supporters = (
        Supporter.objects.filter(constituency=draw.constituency)
        .annotate(joined_on=joined_on)
        .filter(joined_on__lte=day)
        .filter(
            Q(status=Supporter.Status.CONFIRMED)
            | Q(status=Supporter.Status.LEFT, left__gt=day)
        )
    )
    return sorted(supporters.values_list("person_id", flat=True))


def _draw(seed: str, entrants: list[int], wanted: int) -> list[int]:
    # A seeded Mersenne Twister is what makes the draw reproducible by anyone; the
    # fairness comes from the seed, which is drawn from `secrets`.
    return random.Random(seed).sample(entrants, min(wanted, len(entrants)))  # noqa: S311


def reproducible_draw(seed: str, entrants: list[int], wanted: int) -> list[int]:
    """The draw machinery for other apps (the finance app's lotteries): the same
    seed and entrants always give the same winners."""
    return _draw(seed, entrants, wanted)


@transaction.atomic
def prize_draw_run(
    *, draw: PrizeDraw, actor: User | None, seed: str | None = None
) -> PrizeDraw:
    """Draw the winners once, after the draw has closed; record seed, entrants and
    winners so anyone can re-run it; notify each winner once by email."""
    draw = PrizeDraw.objects.select_for_update().get(pk=draw.pk)
    if draw.drawn_at is not None:
        raise SupportersError(_("This draw has already been made."))
    if timezone.localdate() <= draw.closes_on:
        raise SupportersError(
            _("The draw closes on %(day)s: it can be made from the day after.")
            % {"day": draw.closes_on.strftime("%d/%m/%Y")}
        )
    entrants = prize_draw_entrants(draw)
    if not entrants:
        raise SupportersError(
            _("Nobody is eligible: the constituency had no confirmed supporters then.")
        )
    draw.seed = seed or secrets.token_hex(16)
    draw.entrants = entrants
    draw.winners = _draw(draw.seed, entrants, draw.winners_wanted)
    draw.drawn_at = timezone.now()
    draw.drawn_by = actor if getattr(actor, "is_authenticated", False) else None
    draw.save(update_fields=["seed", "entrants", "winners", "drawn_at", "drawn_by"])
    audit_log(
        actor=actor,
        action=AuditAction.PRIZEDRAW_DRAW,
        obj=draw,
        row_count=len(entrants),
        detail={"seed": draw.seed, "winners": draw.winners},
    )
    for person in Person.objects.filter(pk__in=draw.winners):
        # One reminder row per (draw, winner): asking twice sends one email.
        reminder_schedule(
            kind=PRIZE_WINNER_REMINDER,
            person=person,
            due_at=draw.drawn_at,
            about=draw,
            key=f"{PRIZE_WINNER_REMINDER}:{draw.pk}:{person.pk}",
        )
    return draw


def prize_draw_verify(draw: PrizeDraw) -> bool:
    """Re-run the draw from its recorded seed and entrants: same winners?"""
    if draw.drawn_at is None or not draw.seed:
        return False
    return _draw(draw.seed, list(draw.entrants), draw.winners_wanted) == list(
        draw.winners
    )
