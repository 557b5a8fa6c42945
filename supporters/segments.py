"""What the supporters' club contributes to communications segments.

"Confirmed supporters" lets the quarterly newsletter reach the club as well as
members; "who offered…" is how an ask finds its poster sites. Only confirmed
supporters are ever selected: a pending signup has not proved its address (double
opt-in) and a supporter who left gets nothing.
"""

import datetime

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partyhub.comms.segments import (
    FILTER,
    ROLE,
    Criterion,
    dump_ids,
    register_criterion,
)
from partyhub.scoping import constituency_ids

CONFIRMED_KEY = "supporters_confirmed"
OFFERS_KEY = "supporter_offers"
JOINED_AFTER_KEY = "supporters_joined_after"


def _confirmed(constituency) -> Q:
    return Q(supporter__status="confirmed", supporter__constituency=constituency)


def _offers_field(user) -> forms.Field:
    from supporters.services import help_offers_for

    return forms.ModelMultipleChoiceField(
        label=_("Confirmed supporters who offered…"),
        queryset=help_offers_for(constituency_ids(user)),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def register() -> None:
    register_criterion(
        Criterion(
            key=CONFIRMED_KEY,
            label=_("Supporters (confirmed)"),
            kind=ROLE,
            field=lambda user: forms.BooleanField(
                label=_("Supporters (confirmed)"), required=False
            ),
            apply=lambda value, constituency: _confirmed(constituency),
        )
    )
    register_criterion(
        Criterion(
            key=OFFERS_KEY,
            label=_("Confirmed supporters who offered…"),
            kind=ROLE,
            field=_offers_field,
            apply=lambda value, constituency: (
                _confirmed(constituency) & Q(supporter__offers__in=dump_ids(value))
            ),
            dump=dump_ids,
        )
    )
    register_criterion(
        Criterion(
            key=JOINED_AFTER_KEY,
            label=_("Only supporters who joined the club on or after"),
            kind=FILTER,
            field=lambda user: forms.DateField(
                label=_("Only supporters who joined the club on or after"),
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
            ),
            apply=lambda value, constituency: Q(supporter__joined__gte=value),
            dump=lambda value: value.isoformat() if value else None,
            load=lambda value: datetime.date.fromisoformat(value) if value else None,
        )
    )
