"""What members/ contributes to communications segments."""

import datetime

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import Branch, Membership, Ward
from partyhub.comms.segments import (
    FILTER,
    ROLE,
    Criterion,
    dump_ids,
    register_criterion,
)


def register() -> None:
    register_criterion(
        Criterion(
            key="everyone",
            label=_("Everyone the party knows in the constituency"),
            kind=ROLE,
            field=lambda user: forms.BooleanField(
                label=_("Everyone the party knows in the constituency"), required=False
            ),
            apply=lambda value, constituency: Q(pk__isnull=False),
        )
    )
    register_criterion(
        Criterion(
            key="member_status",
            label=_("Members in these statuses"),
            kind=ROLE,
            field=lambda user: forms.MultipleChoiceField(
                label=_("Members in these statuses"),
                choices=Membership.Status.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            ),
            apply=lambda value, constituency: Q(
                memberships__status__in=value, memberships__constituency=constituency
            ),
        )
    )
    register_criterion(
        Criterion(
            key="wards",
            label=_("Only in these wards"),
            kind=FILTER,
            field=lambda user: forms.ModelMultipleChoiceField(
                label=_("Only in these wards"),
                queryset=Ward.objects.in_constituencies(user).select_related(
                    "constituency"
                ),
                required=False,
            ),
            apply=lambda value, constituency: Q(ward__in=value),
            dump=dump_ids,
        )
    )
    register_criterion(
        Criterion(
            key="branches",
            label=_("Only members of these branches"),
            kind=FILTER,
            field=lambda user: forms.ModelMultipleChoiceField(
                label=_("Only members of these branches"),
                queryset=Branch.objects.in_constituencies(user),
                required=False,
            ),
            apply=lambda value, constituency: Q(memberships__branch__in=value),
            dump=dump_ids,
        )
    )
    register_criterion(
        Criterion(
            key="joined_after",
            label=_("Only members who joined on or after"),
            kind=FILTER,
            field=lambda user: forms.DateField(
                label=_("Only members who joined on or after"),
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
            ),
            apply=lambda value, constituency: Q(memberships__joined__gte=value),
            dump=lambda value: value.isoformat() if value else None,
            load=lambda value: datetime.date.fromisoformat(value) if value else None,
        )
    )
