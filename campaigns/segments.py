"""What campaigns contribute to communications segments: "members of team X".

Each CLP mails its own people: on a team that crosses boundaries, the segment of
one constituency selects only that CLP's team members.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partyhub.comms.segments import ROLE, Criterion, dump_ids, register_criterion
from partyhub.scoping import constituency_ids

TEAM_MEMBERS_KEY = "campaign_team_members"


def _field(user) -> forms.Field:
    from campaigns.models import Team

    return forms.ModelMultipleChoiceField(
        label=_("Members of the campaign teams"),
        queryset=Team.objects.for_constituency_ids(constituency_ids(user)),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def _apply(value, constituency) -> Q:
    return Q(campaign_teams__in=dump_ids(value))


def register() -> None:
    register_criterion(
        Criterion(
            key=TEAM_MEMBERS_KEY,
            label=_("Members of the campaign teams"),
            kind=ROLE,
            field=_field,
            apply=_apply,
            dump=dump_ids,
        )
    )
