from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from partyhub.forms import BotTrapMixin, SingleLineMixin


class ClaimForm(BotTrapMixin, forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("The address your local party has for you."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    membership_number = forms.CharField(
        label=_("Membership number (optional)"),
        help_text=_(
            "On your membership card. Helps us find you if your address is "
            "on more than one record."
        ),
        max_length=20,
        required=False,
    )


class ClaimPasswordForm(SingleLineMixin, forms.Form):
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("The same password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, person=None, **kwargs):
        self.person = person
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        one, two = cleaned.get("password1"), cleaned.get("password2")
        if one and two and one != two:
            self.add_error("password2", _("The two passwords do not match."))
        elif one:
            from django.contrib.auth import get_user_model

            # Unsaved: lets the similarity check compare with the person's name.
            candidate = get_user_model()(
                email=getattr(self.person, "email", ""),
                first_name=getattr(self.person, "first_name", ""),
                last_name=getattr(self.person, "last_name", ""),
            )
            try:
                password_validation.validate_password(one, candidate)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


# --- two-factor codes: phones offer the number pad, and fill in a texted code ---


def _numeric_code(form: forms.Form) -> None:
    form.fields["code"].widget.attrs.update(
        {"inputmode": "numeric", "autocomplete": "one-time-code"}
    )


def _mfa_form(base_path: str, name: str) -> type:
    from django.utils.module_loading import import_string

    base = import_string(base_path)

    def __init__(self, *args, **kwargs):
        super(form_class, self).__init__(*args, **kwargs)
        _numeric_code(self)

    form_class = type(
        name, (SingleLineMixin, base), {"__init__": __init__, "__module__": __name__}
    )
    return form_class


AuthenticateForm = _mfa_form(
    "allauth.mfa.base.forms.AuthenticateForm", "AuthenticateForm"
)
ReauthenticateForm = _mfa_form(
    "allauth.mfa.base.forms.ReauthenticateForm", "ReauthenticateForm"
)
ActivateTOTPForm = _mfa_form(
    "allauth.mfa.totp.forms.ActivateTOTPForm", "ActivateTOTPForm"
)
