"""Doorstep returns: recorded once each, however often a phone sends them.

The phone makes a key for every answer (a UUID) and keeps the answer until the
site says it has it; sent twice (a lost reply, a retry after the signal comes
back) the second is recognised by its key and changes nothing. The elector's
intention and contact dates are worked out again from all their returns under a
row lock, so two canvassers saving at once, or an old answer arriving late, leave
the latest answer in place.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from canvassing.models import Answer, DoorstepReturn, Elector, Walk
from partyhub.audit.services import audit_log
from partyhub.errors import DomainError


@dataclass
class ReturnData:
    key: uuid.UUID
    answer: str
    issues: str = ""
    poster: bool = False
    postal_vote_wanted: bool = False
    wants_to_join: bool = False
    recorded_at: datetime.datetime | None = None
    # For a supporter signup (double opt-in): what they gave at the door.
    email: str = ""
    phone: str = ""


def _refresh_elector(elector: Elector) -> None:
    returns = elector.returns.all()
    spoken = returns.exclude(answer=Answer.NOT_IN)
    latest = (
        spoken.order_by("-recorded_at", "-pk").values_list("answer", flat=True).first()
    )
    elector.intention = latest or ""
    elector.contacted_at = spoken.aggregate(at=Min("recorded_at"))["at"]
    elector.knocked_at = returns.aggregate(at=Max("recorded_at"))["at"]
    elector.save(update_fields=["intention", "contacted_at", "knocked_at"])


def return_record(
    *, elector: Elector, data: ReturnData, actor: Any, walk: Walk | None = None
) -> tuple[DoorstepReturn, bool]:
    """Record one answer; (the return, whether this call recorded it)."""
    if data.answer not in Answer.values:
        raise DomainError(_("Choose what they said."))
    now = timezone.now()
    recorded_at = data.recorded_at or now
    # A phone's clock may be wrong: never in the future, never before the walk.
    recorded_at = min(recorded_at, now)
    if walk is not None:
        recorded_at = max(recorded_at, walk.created)
    already = DoorstepReturn.objects.filter(key=data.key).first()
    if already is not None:
        return already, False
    try:
        with transaction.atomic():
            Elector.objects.select_for_update().filter(pk=elector.pk).first()
            row = DoorstepReturn.objects.create(
                key=data.key,
                elector=elector,
                walk=walk,
                answer=data.answer,
                issues=data.issues[:300],
                poster=data.poster,
                postal_vote_wanted=data.postal_vote_wanted,
                wants_to_join=data.wants_to_join,
                recorded_by=actor
                if getattr(actor, "is_authenticated", False)
                else None,
                recorded_at=recorded_at,
            )
            _refresh_elector(elector)
            audit_log(
                actor=actor,
                action="canvassing.return_recorded",
                obj=row,
                constituency_id=elector.district.constituency_id,
            )
            if data.wants_to_join and data.email:
                _supporter_signup(elector=elector, data=data)
    except IntegrityError:
        # The same key from another request that won the race: recorded once.
        existing = DoorstepReturn.objects.filter(key=data.key).first()
        if existing is None:
            raise
        return existing, False
    return row, True


def _supporter_signup(*, elector: Elector, data: ReturnData) -> None:
    """Someone who wants to join or help gets the supporters' club's confirmation
    email: nothing about a Person changes until they press its link."""
    from supporters.signup import supporter_signup

    household = elector.household
    supporter_signup(
        data={
            "first_name": elector.first_name.split(" ")[0]
            if elector.first_name
            else "",
            "last_name": elector.last_name,
            "email": data.email.strip(),
            "postcode": household.postcode,
            "phone": data.phone.strip(),
            "offers": [],
            "consents": {},
            "form_constituency": elector.district.constituency_id,
            "source": "form",
        },
        constituency=elector.district.constituency,
    )
