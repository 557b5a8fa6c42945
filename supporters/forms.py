"""The public supporters' club signup form.

Consent is asked per channel with unticked boxes; the label a person sees is the
exact wording stored in the consent ledger when they confirm. The quiet bot traps
(partyhub.forms.BotTrapMixin) never show an error: a bot gets
the same "check your email" page as everyone else.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import Constituency
from members.postcodes import PostcodeFormField
from partyhub.comms.models import Channel
from partyhub.forms import BotTrapMixin, started_token
from supporters.models import HelpOffer

# The wording shown next to each box is what the ledger records (report 3.2: the
# newsletter, invitations and gentle requests for help are what supporters get).
CONSENT_WORDING = {
    Channel.EMAIL: _(
        "Yes, email me the supporters' newsletter, invitations to events and the "
        "occasional request for help."
    ),
    Channel.PHONE: _("Yes, you may phone me."),
    Channel.TEXT: _("Yes, you may send me text messages."),
    Channel.POST: _("Yes, you may write to me by post."),
}
CONSENT_CHANNELS = (Channel.EMAIL, Channel.PHONE, Channel.TEXT, Channel.POST)


def consent_field(channel: str) -> str:
    return f"consent_{channel}"


def offers_for(constituency: Constituency | None):
    """Active offers: the party-wide ones plus the constituency's own."""
    where = Q(constituency__isnull=True)
    if constituency is not None:
        where |= Q(constituency=constituency)
    return HelpOffer.objects.filter(where, active=True).order_by("order", "label")


class SignupForm(BotTrapMixin, forms.Form):
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
        help_text=_("We will send you an email to check it is yours."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    postcode = PostcodeFormField(
        label=_("Postcode"),
        help_text=_("So we can put you in touch with your local party."),
    )
    phone = forms.CharField(
        label=_("Phone number (optional)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    offers = forms.ModelMultipleChoiceField(
        label=_("I could help by (optional)"),
        queryset=HelpOffer.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent_email = forms.BooleanField(
        label=CONSENT_WORDING[Channel.EMAIL], required=False
    )
    consent_phone = forms.BooleanField(
        label=CONSENT_WORDING[Channel.PHONE], required=False
    )
    consent_text = forms.BooleanField(
        label=CONSENT_WORDING[Channel.TEXT], required=False
    )
    consent_post = forms.BooleanField(
        label=CONSENT_WORDING[Channel.POST], required=False
    )

    def __init__(self, *args: Any, constituency: Constituency | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.constituency = constituency
        self.fields["offers"].queryset = offers_for(constituency)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        wants_calls = data.get(consent_field(Channel.PHONE)) or data.get(
            consent_field(Channel.TEXT)
        )
        if wants_calls and not data.get("phone"):
            self.add_error(
                "phone",
                _("Give a phone number, or untick phone calls and text messages."),
            )
        return data

    @property
    def consent_fields(self) -> list[forms.BoundField]:
        return [self[consent_field(ch)] for ch in CONSENT_CHANNELS]

    def signup_data(self) -> dict[str, Any]:
        """What to keep until the address is confirmed: JSON, with the wording shown."""
        data = self.cleaned_data
        return {
            "first_name": data["first_name"].strip(),
            "last_name": data["last_name"].strip(),
            "email": data["email"].strip(),
            "postcode": data["postcode"],
            "phone": data.get("phone", "").strip(),
            "offers": [offer.pk for offer in data.get("offers") or []],
            "consents": {
                str(ch): str(self.fields[consent_field(ch)].label)
                for ch in CONSENT_CHANNELS
                if data.get(consent_field(ch))
            },
            "form_constituency": self.constituency.pk if self.constituency else None,
        }


__all__ = ["CONSENT_WORDING", "SignupForm", "started_token"]
