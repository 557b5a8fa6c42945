"""Turning a message into an email: sanitised HTML, a text part, the footer the law
asks for (who sent it, their postal address, why you get it, how to stop), and the
List-Unsubscribe headers of RFC 8058."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formataddr
from typing import Any

import markdown
import nh3
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from partyhub.links import make_token

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h1", "h2", "h3", "h4", "hr",
    "i", "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
UNSUBSCRIBE_PURPOSE = "unsubscribe"

# Placeholders filled per recipient, so the template renders once per message.
_UNSUB = "%%UNSUBSCRIBE_URL%%"
_PREFS = "%%PREFERENCES_URL%%"


def markdown_to_html(text: str) -> str:
    html = markdown.markdown(text, extensions=["extra", "sane_lists"])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "abbr": {"title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


@dataclass
class Rendered:
    """A message rendered once; `for_person` fills in the personal links."""

    subject: str
    from_email: str
    reply_to: list[str]
    text: str
    html: str
    topic: str
    constituency_id: int | None
    # Per-recipient placeholders ("%%ASK_YES%%" -> a signed link), from the
    # personalisers apps register for their kinds of message.
    personal: Callable[[int], dict[str, str]] | None = None
    # Files sent with it: (filename, content, mimetype), e.g. a calendar entry.
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)

    def for_person(
        self, *, person_id: int, to: str, message_id: str
    ) -> EmailMultiAlternatives:
        token = make_token(
            UNSUBSCRIBE_PURPOSE, person_id, t=self.topic, c=self.constituency_id
        )
        page = settings.SITE_URL.rstrip("/") + reverse(
            "comms:unsubscribe", args=[token]
        )
        one_click = settings.SITE_URL.rstrip("/") + reverse(
            "comms:unsubscribe_one_click", args=[token]
        )
        replacements = {_UNSUB: page, _PREFS: page}
        if self.personal is not None:
            replacements.update(self.personal(person_id))
        email = EmailMultiAlternatives(
            subject=_fill(self.subject, replacements),
            body=_fill(self.text, replacements),
            from_email=self.from_email,
            to=[to],
            reply_to=self.reply_to,
            headers={
                "List-Unsubscribe": f"<{one_click}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "Message-ID": message_id,
            },
        )
        email.attach_alternative(_fill(self.html, replacements), "text/html")
        for filename, content, mimetype in self.attachments:
            email.attach(filename, content, mimetype)
        return email


def _fill(text: str, replacements: dict[str, str]) -> str:
    for placeholder, value in replacements.items():
        text = text.replace(placeholder, value)
    return text


# --- per-recipient links --------------------------------------------------------

Personaliser = Callable[[Any], Callable[[int], dict[str, str]] | None]
_PERSONALISERS: list[Personaliser] = []


def register_personaliser(personaliser: Personaliser) -> None:
    """An app that puts per-recipient links in its messages (an ask's "yes / no"
    buttons) registers a function: given a Message, it returns None, or a function
    from a person id to {placeholder: value}. Placeholders look like %%NAME%%."""
    _PERSONALISERS.append(personaliser)


def personal_links_for(message: Any) -> Callable[[int], dict[str, str]] | None:
    found = [f for f in (p(message) for p in _PERSONALISERS) if f is not None]
    if not found:
        return None

    def combined(person_id: int) -> dict[str, str]:
        values: dict[str, str] = {}
        for function in found:
            values.update(function(person_id))
        return values

    return combined


def privacy_url(constituency: Any, *, absolute: bool = False) -> str:
    from partyhub.dataprotection.templatetags.privacy import privacy_url as url

    return url(constituency, absolute=absolute)


def render(
    *,
    subject: str,
    body_markdown: str,
    constituency,
    topic: str,
    reason: str,
    sender_name: str = "",
    reply_to: str = "",
) -> Rendered:
    name = sender_name or (constituency.name if constituency else "partyhub")
    address = constituency.postal_address if constituency else ""
    context = {
        "subject": subject,
        "body_html": markdown_to_html(body_markdown),
        "body_text": body_markdown.strip(),
        "sender": name,
        "postal_address": address,
        "reason": reason,
        "unsubscribe_url": _UNSUB,
        "preferences_url": _PREFS,
        "privacy_url": privacy_url(constituency, absolute=True),
    }
    reply = reply_to or (constituency.contact_email if constituency else "")
    return Rendered(
        subject=subject,
        from_email=formataddr((name, settings.COMMS_FROM_ADDRESS)),
        reply_to=[reply] if reply else [],
        text=render_to_string("comms/email.txt", context),
        html=render_to_string("comms/email.html", context),
        topic=topic,
        constituency_id=constituency.pk if constituency else None,
    )


def message_id_for(delivery_id: int) -> str:
    domain = settings.COMMS_FROM_ADDRESS.rsplit("@", 1)[-1]
    return f"<delivery-{delivery_id}@{domain}>"
