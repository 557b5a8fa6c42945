"""Unsubscribe and preferences without an account, from a signed per-person link."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from partyhub.comms.consent import consent_record, current_consents
from partyhub.comms.models import Channel, Method, Topic
from partyhub.comms.rendering import UNSUBSCRIBE_PURPOSE
from partyhub.forms import SingleLineMixin
from partyhub.links import LinkExpired, LinkInvalid, link_problem_for, read_token

WORDING_ONE_CLICK = "One-click unsubscribe from the email's List-Unsubscribe header."
# The channels a link in an email may stop but never start (see PreferencesForm).
LINK_CANNOT_GRANT = (Channel.PHONE, Channel.TEXT, Channel.POST)


def _person_from(token: str):
    payload = read_token(
        token, UNSUBSCRIBE_PURPOSE, max_age=settings.COMMS_LINK_MAX_AGE_SECONDS
    )
    person_model = apps.get_model("members", "Person")
    person = person_model._base_manager.filter(pk=payload["p"]).first()
    if person is None:
        raise LinkInvalid
    return person, payload


def _bad_link(request: HttpRequest, exc: Exception) -> HttpResponse:
    return link_problem_for(
        request,
        exc,
        what_next=_(
            "Use the link in a more recent email from us, or contact your local "
            "party and we will change how we contact you."
        ),
    )


class PreferencesForm(SingleLineMixin, forms.Form):
    # The page opens on the person's current choices (ticked below), never on
    # a "stop" that one careless click would save.
    CHOICES = [
        ("channels", gettext_lazy("Keep or change how you may be contacted")),
        ("topic", gettext_lazy("Stop this kind of email only")),
        ("email", gettext_lazy("Stop all email from the party")),
        (
            "everything",
            gettext_lazy("Stop all contact of any kind: email, phone, text and post"),
        ),
    ]
    choice = forms.ChoiceField(
        label=gettext_lazy("What would you like to do?"),
        choices=CHOICES,
        widget=forms.RadioSelect,
    )
    email = forms.BooleanField(label=gettext_lazy("Email"), required=False)
    phone = forms.BooleanField(label=gettext_lazy("Phone calls"), required=False)
    text = forms.BooleanField(label=gettext_lazy("Text messages"), required=False)
    post = forms.BooleanField(label=gettext_lazy("Post"), required=False)

    def __init__(
        self,
        *args: Any,
        extra: list[ExtraChoice] = (),
        granted: dict[str, bool] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        # A link in an email proves the email address only: from it a person may
        # stop anything, but start again only email. Phone, text and post they
        # have stopped come back through the portal or a fresh confirmation.
        for channel in LINK_CANNOT_GRANT:
            if not (granted or {}).get(channel, False):
                field = self.fields[channel]
                field.disabled = True
                field.help_text = gettext_lazy(
                    "Off. To turn it on again, log in to the member portal or ask "
                    "your local party."
                )
        self.fields["choice"].choices = [
            *self.CHOICES,
            *((choice.key, choice.label) for choice in extra),
        ]


# --- choices apps add to the page ------------------------------------------------


@dataclass(frozen=True)
class ExtraChoice:
    key: str
    label: Any
    # person -> the sentence shown when done; runs in a transaction.
    handler: Callable[[Any], str]
    # person -> whether to offer it to this person (None: everyone).
    applies: Callable[[Any], bool] | None = None


_EXTRA_CHOICES: dict[str, ExtraChoice] = {}


def register_choice(
    key: str,
    label: Any,
    handler: Callable[[Any], str],
    *,
    applies: Callable[[Any], bool] | None = None,
) -> None:
    """An app adds a choice to the unsubscribe and preferences page ("Leave the
    supporters' club"), from its AppConfig.ready(). Registering a key again
    replaces it."""
    if key in dict(PreferencesForm.CHOICES):
        raise ValueError(f"{key!r} is one of the page's own choices")
    _EXTRA_CHOICES[key] = ExtraChoice(key, label, handler, applies)


def _extra_choices_for(person) -> list[ExtraChoice]:
    return [
        choice
        for choice in _EXTRA_CHOICES.values()
        if choice.applies is None or choice.applies(person)
    ]


@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """A page to stop this kind of mail, stop everything, or change channels.

    GET changes nothing (mail scanners follow links); the choice is a POST.
    """
    try:
        person, payload = _person_from(token)
    except (LinkExpired, LinkInvalid) as exc:
        return _bad_link(request, exc)
    topic = payload.get("t") or ""
    consents = current_consents(person)
    initial = {
        ch: consents.get((ch, ""), False)
        for ch in (Channel.EMAIL, Channel.PHONE, Channel.TEXT, Channel.POST)
    }
    extra = {choice.key: choice for choice in _extra_choices_for(person)}
    form = PreferencesForm(
        request.POST or None,
        initial={"choice": "channels", **initial},
        extra=list(extra.values()),
        granted=initial,
    )
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["choice"] in extra:
            with transaction.atomic():
                done = extra[form.cleaned_data["choice"]].handler(person)
        else:
            done = _apply(person, topic, form.cleaned_data)
        return render(request, "comms/unsubscribe_done.html", {"done": done})
    topic_label = dict(Topic.choices).get(topic, "")
    return render(
        request,
        "comms/unsubscribe.html",
        {"form": form, "person": person, "topic_label": topic_label},
    )


@transaction.atomic
def _apply(person, topic: str, data: dict) -> str:
    choice = data["choice"]
    record = dict(person=person, method=Method.UNSUBSCRIBE)
    if choice == "topic" and topic and topic != Topic.GENERAL:
        consent_record(
            channel=Channel.EMAIL, topic=topic, granted=False,
            wording=_("Stop this kind of email: %(t)s") % {"t": Topic(topic).label}, **record,
        )  # fmt: skip
        return _("You will no longer get %(t)s by email.") % {"t": Topic(topic).label}
    if choice in ("topic", "email"):
        consent_record(
            channel=Channel.EMAIL, granted=False, wording=_("Stop all email"), **record
        )
        return _("You will no longer get email from the party.")
    if choice == "everything":
        consent_record(
            channel=Channel.ANY,
            granted=False,
            wording=_("Contact me about nothing"),
            **record,
        )
        return _("The party will not contact you at all.")
    current = current_consents(person)
    for channel in (Channel.EMAIL, Channel.PHONE, Channel.TEXT, Channel.POST):
        wanted = bool(data.get(channel))
        if wanted and channel in LINK_CANNOT_GRANT:
            wanted = current.get((channel, ""), False)  # withdraw only
        if current.get((channel, ""), False) != wanted:
            consent_record(
                channel=channel,
                granted=wanted,
                method=Method.PREFERENCES,
                person=person,
                wording=_("Preferences page: contact me by %(c)s")
                % {"c": Channel(channel).label},
            )
    return _("Your contact preferences are saved.")


@csrf_exempt  # RFC 8058: mail clients POST without our CSRF token
@require_POST
def unsubscribe_one_click(request: HttpRequest, token: str) -> HttpResponse:
    """The List-Unsubscribe-Post target: stop all email at once, no page."""
    try:
        person, _payload = _person_from(token)
    except (LinkExpired, LinkInvalid) as exc:
        return _bad_link(request, exc)
    consent_record(
        person=person,
        channel=Channel.EMAIL,
        granted=False,
        method=Method.UNSUBSCRIBE,
        wording=WORDING_ONE_CLICK,
    )
    return HttpResponse(_("You have been unsubscribed."), content_type="text/plain")
