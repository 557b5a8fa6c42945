"""What every form in partyhub shares: single-line text that cannot carry a line
break (names are printed into the text part of emails, where a newline would start
a line of the attacker's choosing), and the quiet bot traps of the public forms.
"""

from __future__ import annotations

import secrets
import threading
import time
import unicodedata
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# --- single-line text ---------------------------------------------------------------


def validate_single_line(value: Any) -> None:
    """Refuse line breaks and other control characters (Unicode category C*: CR,
    LF, NUL, the line and paragraph separators, bidi overrides) in a one-line field."""
    if not isinstance(value, str):
        return
    for char in value:
        if char in "\r\n\u2028\u2029\x85" or unicodedata.category(char) in (
            "Cc",
            "Cf",
            "Zl",
            "Zp",
        ):
            raise ValidationError(
                _("Use one line of text, without line breaks or special characters."),
                code="single_line",
            )


class SingleLineCharField(forms.CharField):
    default_validators = [validate_single_line]


NUMBER_MESSAGES = {
    "min_value": _("Enter %(limit_value)s or more."),
    "max_value": _("Enter %(limit_value)s or less."),
}


def plain_number_messages(field: Any) -> Any:
    """A number field says "Enter 5 or less.", never Django's "Ensure this value
    is less than or equal to 5."; messages a form set itself are kept."""
    if isinstance(field, forms.IntegerField):
        for code, message in NUMBER_MESSAGES.items():
            field.error_messages.setdefault(code, message)
    return field


CHOICE_MESSAGE = _("That choice is not on the list: choose one from the list.")


def _django_defaults(field: Any, code: str) -> set[str]:
    return {
        str(message)
        for klass in type(field).__mro__
        if (message := getattr(klass, "default_error_messages", {}).get(code))
    }


def plain_choice_messages(field: Any) -> Any:
    """A choice field says "That choice is not on the list: choose one from the
    list.", never Django's "Select a valid choice. 7 is not one of the available
    choices."; messages a form or the admin set itself are kept."""
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        message = field.error_messages.get("invalid_choice")
        if message is None or str(message) in _django_defaults(field, "invalid_choice"):
            field.error_messages["invalid_choice"] = CHOICE_MESSAGE
    return field


def single_line_field(field: Any) -> Any:
    """Give a one-line text field (a CharField whose widget is not a Textarea or
    a password box; email, URL and slug fields included) the single-line
    validator; return the field. A number field gets plain range messages
    (plain_number_messages), a choice field a plain "not on the list"
    (plain_choice_messages)."""
    plain_number_messages(field)
    plain_choice_messages(field)
    if not isinstance(field, forms.CharField):
        return field
    widget = getattr(field.widget, "widget", field.widget)  # admin wrappers
    if isinstance(widget, forms.Textarea | forms.PasswordInput):
        return field
    if validate_single_line not in field.validators:
        field.validators.append(validate_single_line)
    return field


def single_line_fields(form: forms.BaseForm) -> None:
    """Every one-line text field of `form` refuses line breaks."""
    for field in form.fields.values():
        single_line_field(field)


class SingleLineMixin:
    """Mix into a Form or ModelForm: every one-line text field refuses newlines."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        single_line_fields(self)  # type: ignore[arg-type]

    def full_clean(self) -> None:
        # Fields a form adds after this __init__ (a survey's questions, a
        # segment's criteria) get the same, before they are cleaned.
        single_line_fields(self)  # type: ignore[arg-type]
        super().full_clean()  # type: ignore[misc]


# --- bot traps ----------------------------------------------------------------------

STARTED_SALT = "partyhub.forms.started"


def started_token(now: float | None = None) -> str:
    """When the form was served, with a nonce that can be used once."""
    return signing.dumps(
        {"t": now if now is not None else time.time(), "n": secrets.token_urlsafe(12)},
        salt=STARTED_SALT,
    )


def _read_started(value: str) -> tuple[float, str] | None:
    try:
        payload = signing.loads(
            value or "", salt=STARTED_SALT, max_age=settings.BOT_TRAP_MAX_AGE_SECONDS
        )
        return float(payload["t"]), str(payload["n"])
    except (signing.BadSignature, TypeError, ValueError, KeyError):
        return None


class BotTrapMixin(SingleLineMixin):
    """The public forms' quiet bot traps: a honeypot people never see ("website",
    moved off-screen by the .ph-hp class) and a signed "form served at" time that
    must be old enough (settings.SUPPORTERS_MIN_FILL_SECONDS) and can be posted
    once only: its nonce is consumed in the shared cache, so a bot cannot fetch one
    form and post it a thousand times. A form shown again with its errors carries
    a fresh nonce with the original time.

    The view asks looks_like_a_bot() before is_valid() and answers a bot exactly as
    it answers a person, storing nothing.
    """

    bot_fields = ("website", "started")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["website"] = forms.CharField(
            label=_("Leave this empty"),
            required=False,
            widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
        )
        self.fields["started"] = forms.CharField(
            widget=forms.HiddenInput, required=False
        )
        if not self.is_bound:  # type: ignore[attr-defined]
            self.initial["started"] = started_token()  # type: ignore[attr-defined]

    def looks_like_a_bot(self) -> bool:
        """A filled honeypot, a missing, forged, expired or too recent start time,
        or one already used."""
        data = self.data  # type: ignore[attr-defined]
        if not self.is_bound:  # type: ignore[attr-defined]
            return False
        if (data.get("website") or "").strip():
            return True
        started = _read_started(data.get("started") or "")
        if started is None:
            return True
        served_at, nonce = started
        if time.time() - served_at < settings.SUPPORTERS_MIN_FILL_SECONDS:
            return True
        if not _nonce_take(nonce):
            return True  # replayed
        # If the form comes back with errors, the person posts it again: that post
        # needs a nonce of its own, with the time the form was first served.
        data = data.copy()
        data["started"] = started_token(served_at)
        self.data = data
        return False

    def without_bot_fields(self) -> dict[str, Any]:
        cleaned = self.cleaned_data  # type: ignore[attr-defined]
        return {k: v for k, v in cleaned.items() if k not in self.bot_fields}


_local_nonces: dict[str, float] = {}
_local_nonces_lock = threading.Lock()


def _nonce_take(nonce: str) -> bool:
    """Use a form's nonce once: in the shared cache, or, while the cache is
    unreachable, in this process (stricter than nothing; a form never fails)."""
    from partyhub.ratelimit import CACHE_UNAVAILABLE

    key = f"partyhub:form-nonce:{nonce}"
    try:
        return bool(cache.add(key, 1, timeout=settings.BOT_TRAP_MAX_AGE_SECONDS))
    except CACHE_UNAVAILABLE:
        now = time.time()
        with _local_nonces_lock:
            for stale in [k for k, t in _local_nonces.items() if t < now]:
                del _local_nonces[stale]
            if key in _local_nonces:
                return False
            _local_nonces[key] = now + settings.BOT_TRAP_MAX_AGE_SECONDS
            return True
