"""What networks contribute to communications segments: "members of network X".

A mailing to a network is an ordinary message through comms, so consent, opt-outs
and bounces apply as for any other mailing. Each CLP mails its own people: the
segment belongs to one constituency and selects that CLP's active network members.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partyhub.comms.segments import ROLE, Criterion, dump_ids, register_criterion
from partyhub.scoping import constituency_ids

NETWORK_MEMBERS_KEY = "network_members"


def _field(user) -> forms.Field:
    from networks.models import Network

    return forms.ModelMultipleChoiceField(
        label=_("Members of the networks"),
        queryset=Network.objects.for_constituency_ids(constituency_ids(user)),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def _apply(value, constituency) -> Q:
    return Q(
        network_memberships__network__in=dump_ids(value),
        network_memberships__status="active",
    )


def register() -> None:
    register_criterion(
        Criterion(
            key=NETWORK_MEMBERS_KEY,
            label=_("Members of the networks"),
            kind=ROLE,
            field=_field,
            apply=_apply,
            dump=dump_ids,
        )
    )
