from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from governance.models import Motion
from members.models import Membership, Person
from partyhub.forms import SingleLineMixin


class MotionForm(SingleLineMixin, forms.Form):
    amends = forms.ModelChoiceField(
        label=_("This is an amendment to"),
        queryset=Motion.objects.none(),
        required=False,
        empty_label=_("— not an amendment: a new motion —"),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("Text of the motion"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What the meeting notes, believes and resolves."),
    )
    seconder = forms.CharField(
        label=_("Seconder's membership number"),
        max_length=20,
        help_text=_("Ask your seconder for it: it is on their membership card."),
    )

    def __init__(self, *args: Any, meeting: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        amends = cast(forms.ModelChoiceField, self.fields["amends"])  # type: ignore[type-arg]
        amends.queryset = meeting.motions.filter(
            amends__isnull=True,
            status__in=(Motion.Status.SUBMITTED, Motion.Status.ON_AGENDA),
        )

    def clean_seconder(self) -> Person:
        number = self.cleaned_data["seconder"].strip().upper()
        membership = (
            Membership.objects.filter(membership_number__iexact=number)
            .select_related("person")
            .first()
        )
        if membership is None:
            raise forms.ValidationError(_("No member has that membership number."))
        person: Person = membership.person
        return person


class BallotForm(SingleLineMixin, forms.Form):
    candidate = forms.TypedChoiceField(
        label=_("Your vote"), coerce=int, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, election: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        candidate = cast(forms.ChoiceField, self.fields["candidate"])
        candidate.choices = [
            (n.pk, n.person.full_name)
            for n in election.nominations.filter(withdrawn=False).select_related(
                "person"
            )
        ]


class MinutesForm(SingleLineMixin, forms.Form):
    text = forms.CharField(
        label=_("Minutes (Markdown)"), widget=forms.Textarea(attrs={"rows": 20})
    )


class ItemDecisionForm(SingleLineMixin, forms.Form):
    votes_for = forms.IntegerField(label=_("For"), min_value=0, required=False)
    votes_against = forms.IntegerField(label=_("Against"), min_value=0, required=False)
    abstentions = forms.IntegerField(
        label=_("Abstentions"), min_value=0, required=False
    )
    nem_con = forms.BooleanField(label=_("Carried nem. con."), required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[
            ("", _("From the count")),
            ("noted", _("Noted")),
            ("remitted", _("Remitted")),
            ("referred", _("Referred")),
        ],
    )
    decision = forms.CharField(
        label=_("Decision"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ActionForm(SingleLineMixin, forms.Form):
    text = forms.CharField(label=_("Action"), max_length=300)
    owner = forms.ModelChoiceField(label=_("Who"), queryset=Person.objects.none())
    due = forms.DateField(label=_("By"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = cast(forms.ModelChoiceField, self.fields["owner"])  # type: ignore[type-arg]
        owner.queryset = people
