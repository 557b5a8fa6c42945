"""The public petition form: name, email, postcode and a box per channel, unticked;
the label beside each box is the wording the consent ledger keeps."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.models import CallOutcome
from campaigns.services import CONSENT_WORDING
from members.models import Person
from members.postcodes import PostcodeFormField
from partyhub.comms.models import Channel


class SignForm(forms.Form):
    first_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    postcode = PostcodeFormField(label=_("Postcode"))
    consent_email = forms.BooleanField(
        label=CONSENT_WORDING[Channel.EMAIL],
        required=False,
        help_text=_(
            "We will email you a link to confirm; you join the supporters' club "
            "when you press it."
        ),
    )
    consent_post = forms.BooleanField(
        label=CONSENT_WORDING[Channel.POST], required=False
    )
    # A honeypot people never see (moved off-screen by the .ph-hp class).
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def looks_like_a_bot(self) -> bool:
        return bool(self.data.get("website", "").strip())

    def consent_fields(self) -> list[forms.BoundField]:
        return [self["consent_email"], self["consent_post"]]

    def sign_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "website"}


class SessionOutputForm(forms.Form):
    """What the lead fills in on their phone after a session."""

    attended = forms.ModelMultipleChoiceField(
        label=_("Who came"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    leaflets = forms.IntegerField(label=_("Leaflets delivered"), min_value=0, initial=0)
    doors = forms.IntegerField(label=_("Doors knocked"), min_value=0, initial=0)
    calls = forms.IntegerField(label=_("Calls made"), min_value=0, initial=0)
    posters = forms.IntegerField(label=_("Posters up"), min_value=0, initial=0)
    contacts = forms.IntegerField(label=_("Contacts"), min_value=0, initial=0)
    notes = forms.CharField(
        label=_("Round or streets covered"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, session: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team = session.team
        self.initial.setdefault(
            "attended", list(session.signups.values_list("person_id", flat=True))
        )
        self.fields["attended"].queryset = (
            Person.objects.filter(
                Q(campaign_teams=team) | Q(pk__in=session.signups.values("person_id"))
            )
            .distinct()
            .order_by("first_name", "last_name")
        )
        for field in ("leaflets", "doors", "calls", "posters", "contacts"):
            self.fields[field].widget.attrs["inputmode"] = "numeric"


class PaperSignaturesForm(forms.Form):
    """Lines typed or pasted from the stall's paper forms."""

    lines = forms.CharField(
        label=_("Signatures"),
        widget=forms.Textarea(attrs={"rows": 15, "cols": 80}),
        help_text=_(
            "One signer a line: name, postcode, email (optional), email box, post "
            "box. Put y in a box column only if the box was ticked on the paper "
            "form. Example: Ada Lovelace, B8 1AA, ada@example.org, y,"
        ),
    )


class CallOutcomeForm(forms.Form):
    """What happened on one call, on the caller's phone."""

    outcome = forms.ChoiceField(
        label=_("What happened?"),
        choices=CallOutcome.choices,
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=_("Notes (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
