"""Forms of the canvassing pages (every one-line field refuses line breaks)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from canvassing.models import Answer, PollingDistrict, Walk
from canvassing.services.walks import MAX_WALK_SIZE
from members.models import Ward
from partyhub.forms import SingleLineMixin


class ImportForm(SingleLineMixin, forms.Form):
    district_code = forms.CharField(
        label=_("Polling district code"),
        max_length=12,
        help_text=_("As on the register, for example AB1."),
    )
    district_name = forms.CharField(
        label=_("Polling district name"), max_length=120, required=False
    )
    ward = forms.ModelChoiceField(
        label=_("Ward"), queryset=Ward.objects.none(), required=False
    )
    kind = forms.ChoiceField(
        label=_("What is in the file"),
        choices=[
            ("full", _("The full register for this district (replaces it)")),
            ("update", _("A monthly update (additions A, deletions D, changes M)")),
        ],
        widget=forms.RadioSelect,
        initial="full",
    )
    file = forms.FileField(label=_("CSV file from electoral services"))

    def __init__(self, *args: Any, constituency_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ward_field = cast("forms.ModelChoiceField[Ward]", self.fields["ward"])
        ward_field.queryset = Ward.objects.filter(constituency_id=constituency_id)


class WalksForm(SingleLineMixin, forms.Form):
    district = forms.ModelChoiceField(
        label=_("Polling district"),
        queryset=PollingDistrict.objects.none(),
        required=False,
    )
    ward = forms.ModelChoiceField(
        label=_("or a whole ward"), queryset=Ward.objects.none(), required=False
    )
    target = forms.ChoiceField(
        label=_("Who to visit"), choices=Walk.Target.choices, initial="all"
    )
    size = forms.IntegerField(
        label=_("Doors in each walk"),
        min_value=1,
        max_value=MAX_WALK_SIZE,
        initial=60,
    )

    def __init__(self, *args: Any, constituency_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        district = cast(
            "forms.ModelChoiceField[PollingDistrict]", self.fields["district"]
        )
        ward = cast("forms.ModelChoiceField[Ward]", self.fields["ward"])
        district.queryset = PollingDistrict.objects.filter(
            constituency_id=constituency_id
        )
        ward.queryset = Ward.objects.filter(
            constituency_id=constituency_id, polling_districts__isnull=False
        ).distinct()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("district") and not data.get("ward"):
            raise forms.ValidationError(_("Choose a polling district or a ward."))
        return data


_TEXT = forms.TextInput(attrs={"class": "form-control form-control-sm"})
_CHECK = forms.CheckboxInput(attrs={"class": "form-check-input"})


class ReturnForm(SingleLineMixin, forms.Form):
    elector = forms.IntegerField(widget=forms.HiddenInput)
    walk = forms.IntegerField(widget=forms.HiddenInput, required=False)
    key = forms.UUIDField(widget=forms.HiddenInput)
    recorded_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)
    answer = forms.ChoiceField(
        label=_("What they said"), choices=Answer.choices, widget=forms.RadioSelect
    )
    issues = forms.CharField(label=_("Issues raised"), max_length=300, required=False)
    poster = forms.BooleanField(label=_("Will put up a poster"), required=False)
    postal_vote_wanted = forms.BooleanField(
        label=_("Wants a postal vote"), required=False
    )
    wants_to_join = forms.BooleanField(label=_("Wants to join or help"), required=False)
    email = forms.EmailField(
        label=_("Their email (we send a link to confirm)"), required=False
    )
    phone = forms.CharField(label=_("Their phone"), max_length=30, required=False)


class MarkVotedForm(SingleLineMixin, forms.Form):
    district = forms.ModelChoiceField(
        label=_("Polling district"), queryset=PollingDistrict.objects.none()
    )
    numbers = forms.CharField(
        label=_("Elector numbers that have voted"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("From the tellers' sheets: numbers separated by spaces or commas."),
    )
    file = forms.FileField(
        label=_("or the marked register of postal voters (one number a line)"),
        required=False,
    )

    def __init__(self, *args: Any, constituency_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        district = cast(
            "forms.ModelChoiceField[PollingDistrict]", self.fields["district"]
        )
        district.queryset = PollingDistrict.objects.filter(
            constituency_id=constituency_id
        )
