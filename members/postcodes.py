"""UK postcodes: validated and normalised the same way everywhere."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# The Royal Mail format: an outward code (area, district, optional sub-district)
# and an inward code (sector digit and two unit letters from a restricted set).
_OUTWARD = (
    r"(?:[A-PR-UWYZ][0-9][0-9A-HJKPSTUW]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9ABEHMNPRVWXY]?)"
)
_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
_POSTCODE = re.compile(rf"^({_OUTWARD})({_INWARD})$")
_SPECIAL = {"GIR0AA": "GIR 0AA"}


def normalise_postcode(value: str) -> str:
    """'b8 1aa' -> 'B8 1AA'. Raises ValidationError for anything that is not a UK
    postcode."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if compact in _SPECIAL:
        return _SPECIAL[compact]
    match = _POSTCODE.match(compact)
    if not match:
        raise ValidationError(
            _("Enter a full UK postcode, for example B8 1AA."), code="invalid_postcode"
        )
    return f"{match.group(1)} {match.group(2)}"


def is_postcode(value: str) -> bool:
    try:
        normalise_postcode(value)
    except ValidationError:
        return False
    return True


class PostcodeFormField(forms.CharField):
    """Accepts a postcode however it is typed and cleans it to 'B8 1AA'."""

    def __init__(self, *args, **kwargs):
        kwargs["max_length"] = 16  # typed input may carry spaces; stored value is 8
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("autocomplete", "postal-code")
        self.widget.attrs.setdefault("autocapitalize", "characters")

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        return normalise_postcode(value)


class PostcodeField(models.CharField):
    """A CharField that stores postcodes normalised ('B8 1AA') and rejects others."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 8)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return value
        return normalise_postcode(value)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PostcodeFormField, **kwargs})

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 8:
            del kwargs["max_length"]
        return name, path, args, kwargs
