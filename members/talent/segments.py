"""Segment criteria: write to a forum's members, or to people with a skill."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import Forum, Interest
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
            key="forums",
            label=_("Members of these forums"),
            kind=ROLE,
            field=lambda user: forms.ModelMultipleChoiceField(
                label=_("Members of these forums"),
                queryset=Forum.objects.in_constituencies(user),
                required=False,
            ),
            apply=lambda value, constituency: Q(forum_memberships__forum__in=value),
            dump=dump_ids,
        )
    )
    register_criterion(
        Criterion(
            key="interests",
            label=_("Only people with these interests or skills"),
            kind=FILTER,
            field=lambda user: forms.ModelMultipleChoiceField(
                label=_("Only people with these interests or skills"),
                queryset=Interest.objects.filter(active=True),
                required=False,
            ),
            apply=lambda value, constituency: Q(interests__interest__in=value),
            dump=dump_ids,
        )
    )
