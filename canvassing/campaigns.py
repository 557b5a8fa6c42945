"""Doorstep work counts towards the campaigns' targets: a target of contacts
counts electors spoken to (not "not in"), a target of doors the households
knocked, in the campaign's constituencies (and the target's ward), between the
campaign's start and the target's date. Registered with campaigns from ready()."""

from __future__ import annotations

import datetime
from typing import Any

from canvassing.models import Answer, DoorstepReturn


def _returns(
    campaign: Any,
    ward_id: int | None,
    since: datetime.datetime,
    until: datetime.datetime,
) -> Any:
    returns = DoorstepReturn.objects.filter(
        elector__district__constituency__in=campaign.constituencies.values("pk"),
        recorded_at__gte=since,
        recorded_at__lt=until,
    )
    if ward_id:
        returns = returns.filter(elector__district__ward_id=ward_id)
    return returns


def doorstep_contacts(
    campaign: Any,
    ward_id: int | None,
    since: datetime.datetime,
    until: datetime.datetime,
) -> int:
    spoken = _returns(campaign, ward_id, since, until).exclude(answer=Answer.NOT_IN)
    return int(spoken.values("elector_id").distinct().count())


def doors_knocked(
    campaign: Any,
    ward_id: int | None,
    since: datetime.datetime,
    until: datetime.datetime,
) -> int:
    returns = _returns(campaign, ward_id, since, until)
    return int(returns.values("elector__household_id").distinct().count())


def register() -> None:
    from campaigns.models import Measure
    from campaigns.services.teams import register_measure_source

    register_measure_source(Measure.CONTACTS, "canvassing", doorstep_contacts)
    register_measure_source(Measure.DOORS, "canvassing", doors_knocked)
