from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from events.services import CONSENT_WORDING
from members.postcodes import PostcodeFormField
from partyhub.forms import BotTrapMixin, SingleLineMixin


class PublicRsvpForm(BotTrapMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("Email"))
    guests = forms.IntegerField(
        label=_("Guests coming with you"), min_value=0, max_value=5, initial=0
    )
    # Unticked by default; the label is the wording the consent ledger records
    # once the address is confirmed.
    consent_email = forms.BooleanField(label=CONSENT_WORDING["email"], required=False)
    postcode = PostcodeFormField(
        label=_("Postcode (only if you ticked the box above)"),
        required=False,
        help_text=_("So we can put you in touch with your local party."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("consent_email") and not data.get("postcode"):
            self.add_error(
                "postcode",
                _("Give your postcode, or untick the box to book without it."),
            )
        return data


class InvitationRsvpForm(SingleLineMixin, forms.Form):
    answer = forms.ChoiceField(
        label=_("Are you coming?"),
        choices=[
            ("yes", _("Yes, I'm coming")),
            ("maybe", _("Maybe")),
            ("no", _("No, I can't come")),
        ],
        widget=forms.RadioSelect,
    )
    guests = forms.IntegerField(
        label=_("Guests coming with you"), min_value=0, max_value=5, initial=0
    )


class FeedbackForm(SingleLineMixin, forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How was it? (1 poor, 5 excellent)"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything you would like to tell the organisers (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
