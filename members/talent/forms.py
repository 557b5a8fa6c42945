"""Forms of the portal's interests, standing and forum pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Candidate, Interest, Person
from partyhub.forms import SingleLineMixin


class InterestAddForm(SingleLineMixin, forms.Form):
    interest = forms.ModelChoiceField(
        label=_("Interest or skill"),
        queryset=Interest.objects.none(),
        empty_label=_("Choose one…"),
        error_messages={
            "required": _("Choose an interest or skill from the list."),
            "invalid_choice": _("Choose an interest or skill from the list."),
        },
    )
    detail = forms.CharField(
        label=_("Details (optional)"),
        max_length=200,
        required=False,
        help_text=_("e.g. which school, which union, how fluent."),
    )

    def __init__(self, *args, person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interest"].queryset = Interest.objects.filter(active=True)


class StandingForm(SingleLineMixin, forms.Form):
    office_sought = forms.ChoiceField(
        label=_("I would like to stand as"),
        choices=[("", _("Choose…")), *Candidate.Office.choices],
        error_messages={
            "required": _("Choose the office you would like to stand for.")
        },
    )
    notes = forms.CharField(
        label=_("Anything you would like the officers to know (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


class ForumMemberAddForm(SingleLineMixin, forms.Form):
    identifier = forms.CharField(
        label=_("Email address or membership number"),
        max_length=254,
        error_messages={
            "required": _("Give the new member's email address or membership number.")
        },
        help_text=_(
            "They must be a party member living in one of the forum's constituencies."
        ),
    )
    last_name = forms.CharField(
        label=_("Their surname (needed with a membership number)"),
        max_length=100,
        required=False,
    )

    def clean(self):
        data = super().clean()
        identifier = (data.get("identifier") or "").strip()
        if identifier and "@" not in identifier and not data.get("last_name", ""):
            # A membership number alone could be guessed: the surname shows the
            # forum officer knows the person.
            self.add_error(
                "last_name",
                _(
                    "Give their surname as well: a membership number alone is not enough."
                ),
            )
        return data
