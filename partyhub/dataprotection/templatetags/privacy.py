"""`{% privacy_link constituency %}`: the line under every form that collects
personal data, linking to the CLP's privacy notice (or the list of notices)."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


def privacy_url(constituency: Any = None, *, absolute: bool = False) -> str:
    slug = getattr(constituency, "slug", "")
    url = reverse("privacy:notice", args=[slug]) if slug else reverse("privacy:index")
    return settings.SITE_URL.rstrip("/") + url if absolute else url


@register.simple_tag
def privacy_link(constituency: Any = None) -> str:
    return format_html(
        '<p class="form-text ph-privacy-link">{} <a href="{}">{}</a>.</p>',
        _("How we use your details and your rights:"),
        privacy_url(constituency),
        _("our privacy notice"),
    )
