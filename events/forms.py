from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from events.services import CONSENT_WORDING


class PublicRsvpForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("Email"))
    guests = forms.IntegerField(
        label=_("Guests coming with you"), min_value=0, max_value=5, initial=0
    )
    # Unticked by default; the label is the wording the consent ledger records.
    consent_email = forms.BooleanField(label=CONSENT_WORDING["email"], required=False)
