"""The electoral register's place in the retention schedule: the register a CLP
receives is kept only until it is replaced, and deleted whole when it is not
replaced in time (see partyhub.dataprotection)."""

from __future__ import annotations

import datetime
from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from partyhub.dataprotection.notice import register_purpose
from partyhub.dataprotection.retention import register_category, register_rule

register_category(
    "electoral_register",
    label=_("The electoral register (electors, canvass returns, walks)"),
    default_days=400,
    counted_from=_("after a polling district's full register was last imported"),
    then=_(
        "the district's register is deleted whole, with its canvass returns and walks"
    ),
    order=70,
)


def _stale_districts(constituency: Any, cutoff: datetime.datetime) -> QuerySet[Any]:
    model = apps.get_model("canvassing", "PollingDistrict")
    stale: QuerySet[Any] = model._base_manager.filter(
        constituency=constituency, imported_at__lt=cutoff
    )
    return stale


def _delete_district(row: Any, reason: str) -> None:
    from canvassing.services import district_delete

    district_delete(district=row, actor=None, reason=reason)


register_rule(
    "electoral_register",
    "canvassing.PollingDistrict",
    candidates=_stale_districts,
    apply=_delete_district,
)

register_purpose(
    "canvassing",
    title=_("Canvassing from the electoral register"),
    why=_(
        "To talk to voters at elections and between them: walks, what electors told "
        "canvassers, and getting our supporters' vote out on polling day. The full "
        "register is supplied to the party for electoral purposes only and is used "
        "for nothing else."
    ),
    data=_(
        "Electors' names, addresses, elector numbers and register markers; what they "
        "said on the doorstep; whether they have voted (from the marked register)"
    ),
    people=_("Electors in the constituency"),
    basis=_(
        "Legal obligation and public task: the Representation of the People "
        "Regulations 2001 supply the register to parties (art. 6(1)(c) and (e))"
    ),
    special=_(
        "Political opinions told on the doorstep: the Data Protection Act 2018, "
        "schedule 1 paragraph 22 (political parties)"
    ),
    models=("canvassing.Elector", "canvassing.DoorstepReturn"),
    retention=("electoral_register",),
    order=60,
)
