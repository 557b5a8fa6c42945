"""Forms for the officers' communications admin."""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from partyhub.comms import merge
from partyhub.comms.models import (
    Channel,
    ConsentEvent,
    Message,
    Method,
    Segment,
)
from partyhub.comms.segments import ROLE, Criterion, criteria, get_criterion
from partyhub.forms import SingleLineMixin

# Officers schedule in UK time, whatever the server's TIME_ZONE says.
LONDON = ZoneInfo("Europe/London")
CRITERION_PREFIX = "criterion_"
PREVIEW_BUTTON = "_preview"
QUARTER = re.compile(r"^\d{4}-Q[1-4]$")


def criterion_field_name(key: str) -> str:
    return f"{CRITERION_PREFIX}{key}"


def is_criterion_field(name: str) -> bool:
    return name.startswith(CRITERION_PREFIX)


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, QuerySet):
        return list(value)
    if isinstance(value, list | tuple | set):
        return list(value)
    return [value]


def _is_empty(value: Any) -> bool:
    if isinstance(value, QuerySet):
        return not value.exists()
    return value in (None, "", [], (), False)


class SegmentForm(SingleLineMixin, forms.ModelForm):
    """A segment's name and constituency, plus one field per registered criterion.

    The criteria fields come from the apps (partyhub.comms.segments) and are scoped
    to the officer, so SegmentAdmin.get_form sets `user` on the class.
    """

    user: Any = None

    class Meta:
        model = Segment
        fields = ("name", "constituency", "reason")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stored = self.instance.criteria or {}
        for criterion in criteria():
            name = criterion_field_name(criterion.key)
            field = criterion.field(self.user)
            field.required = False
            self.fields[name] = field
            if criterion.key in stored and name not in self.initial:
                try:
                    self.initial[name] = criterion.load(stored[criterion.key])
                except (TypeError, ValueError):
                    # A stored value this version cannot read: show the field
                    # empty rather than fail; saving replaces it.
                    pass

    @property
    def previewing(self) -> bool:
        return self.is_bound and PREVIEW_BUTTON in self.data

    def is_valid(self) -> bool:
        # "Preview recipients" without JavaScript posts the whole form back: the
        # admin saves only a valid form, so a preview reports itself not valid
        # (with no errors, so none are shown) and the page comes back with the
        # preview and the officer's choices, and nothing saved.
        return super().is_valid() and not self.previewing

    def criterion_names(self) -> list[str]:
        return [criterion_field_name(c.key) for c in criteria()]

    def criteria_errors(self) -> list[str]:
        """Errors on the criteria fields and the constituency, for the preview."""
        errors = [str(e) for e in self.errors.get("constituency", [])]
        for name in self.criterion_names():
            for error in self.errors.get(name, []):
                errors.append(f"{self.fields[name].label}: {error}")
        return errors

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        constituency = cleaned.get("constituency")
        chosen = False
        for criterion in criteria():
            name = criterion_field_name(criterion.key)
            value = cleaned.get(name)
            if _is_empty(value):
                continue
            chosen = True
            if constituency is not None:
                self._check_same_constituency(name, value, constituency)
        if not chosen and not any(n in self.errors for n in self.criterion_names()):
            raise ValidationError(
                _(
                    "Choose who is in the segment: tick at least one reason or "
                    "filter. To write to everybody, tick “%(everyone)s”."
                )
                % {"everyone": _everyone_label()}
            )
        return cleaned

    def _check_same_constituency(self, name: str, value: Any, constituency) -> None:
        # An officer of two CLPs is offered both CLPs' wards: a ward of the other
        # one would silently select nobody.
        for item in _as_list(value):
            owner = getattr(item, "constituency_id", None)
            if owner is not None and owner != constituency.pk:
                self.add_error(
                    name,
                    _("%(item)s is not in %(clp)s.")
                    % {"item": item, "clp": constituency},
                )

    def criteria_values(self) -> dict[str, Any]:
        """The criteria as stored in Segment.criteria: {key: dumped value}.

        Values of criteria no longer registered (an app taken out) are kept.
        """
        values = {
            key: raw
            for key, raw in (self.instance.criteria or {}).items()
            if get_criterion(key) is None
        }
        for criterion in criteria():
            value = self.cleaned_data.get(criterion_field_name(criterion.key))
            if _is_empty(value):
                continue
            if isinstance(value, QuerySet):
                value = list(value)
            values[criterion.key] = criterion.dump(value)
        return values

    def save(self, commit: bool = True) -> Segment:
        self.instance.criteria = self.criteria_values()
        return super().save(commit)


def _everyone_label() -> str:
    everyone = get_criterion("everyone")
    return str(everyone.label) if everyone else str(_("Everyone"))


def describe_criteria(values: dict[str, Any], user: Any) -> list[tuple[str, str]]:
    """(label, value) pairs saying in words what a segment's criteria select."""
    rows: list[tuple[str, str]] = []
    for key, raw in (values or {}).items():
        criterion = get_criterion(key)
        if criterion is None:
            rows.append((key, str(raw)))
            continue
        rows.append((str(criterion.label), _describe_value(criterion, raw, user)))
    return rows


def _describe_value(criterion: Criterion, raw: Any, user: Any) -> str:
    try:
        value = criterion.load(raw)
    except (TypeError, ValueError):
        return str(raw)
    field = criterion.field(user)
    if isinstance(field, forms.ModelChoiceField):
        model = field.queryset.model
        ids = [getattr(v, "pk", v) for v in _as_list(value)]
        return ", ".join(str(obj) for obj in model._default_manager.filter(pk__in=ids))
    if isinstance(field, forms.ChoiceField):
        labels = {str(k): v for k, v in field.choices}
        return ", ".join(str(labels.get(str(v), v)) for v in _as_list(value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, datetime.date):
        return formats.date_format(value)
    return str(value)


def criteria_by_kind() -> tuple[list[str], list[str]]:
    """Field names of the role criteria and of the filter criteria."""
    roles = [criterion_field_name(c.key) for c in criteria() if c.kind == ROLE]
    filters = [criterion_field_name(c.key) for c in criteria() if c.kind != ROLE]
    return roles, filters


class MessageForm(SingleLineMixin, forms.ModelForm):
    class Meta:
        model = Message
        fields = (
            "subject",
            "body",
            "constituency",
            "segment",
            "topic",
            "kind",
            "quarter",
            "sender_name",
            "reply_to",
        )
        widgets = {"body": forms.Textarea(attrs={"rows": 16})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "body" in self.fields:
            self.fields["body"].help_text = " ".join(
                p
                for p in (str(self.fields["body"].help_text or ""), merge.help_text())
                if p
            )

    def clean_quarter(self) -> str:
        return (self.cleaned_data.get("quarter") or "").strip().upper()

    def _clean_merge(self, name: str) -> str:
        text = self.cleaned_data.get(name) or ""
        unknown = merge.unknown_fields(text)
        if unknown:
            raise forms.ValidationError(
                _(
                    "%(fields)s is not a merge field we can fill in, so it would be "
                    "sent as written. Use one of %(known)s, or remove the braces."
                )
                % {
                    "fields": ", ".join(f"{{{f}}}" for f in unknown),
                    "known": ", ".join(f"{{{k}}}" for k in merge.FIELDS),
                }
            )
        return text

    def clean_subject(self) -> str:
        return self._clean_merge("subject")

    def clean_body(self) -> str:
        return self._clean_merge("body")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        constituency = cleaned.get("constituency")
        segment = cleaned.get("segment")
        if segment is not None and constituency is not None:
            if segment.constituency_id != constituency.pk:
                self.add_error(
                    "segment",
                    _("That segment belongs to %(clp)s, not %(this)s.")
                    % {"clp": segment.constituency, "this": constituency},
                )
        if cleaned.get("kind") == Message.Kind.NEWSLETTER:
            self._clean_newsletter(cleaned, constituency)
        elif "quarter" in cleaned:
            cleaned["quarter"] = ""  # only newsletters belong to a quarter
        return cleaned

    def _clean_newsletter(self, cleaned: dict[str, Any], constituency) -> None:
        quarter = cleaned.get("quarter", "")
        if not quarter:
            self.add_error(
                "quarter", _("Say which quarter this issue covers, e.g. 2027-Q1.")
            )
            return
        if not QUARTER.match(quarter):
            self.add_error(
                "quarter", _("Write the quarter as year, dash, Q and 1–4: 2027-Q1.")
            )
            return
        if constituency is None:
            return
        taken = (
            Message.objects.filter(
                constituency=constituency, kind=Message.Kind.NEWSLETTER, quarter=quarter
            )
            .exclude(status=Message.Status.CANCELLED)
            .exclude(pk=self.instance.pk)
        )
        if taken.exists():
            self.add_error(
                "quarter",
                _(
                    "%(clp)s already has a newsletter for %(q)s. Edit that one, or "
                    "cancel it first."
                )
                % {"clp": constituency, "q": quarter},
            )


class ScheduleForm(SingleLineMixin, forms.Form):
    send_at = forms.DateTimeField(
        label=_("Send at (UK time)"),
        input_formats=[
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%d %H:%M",
            "%d/%m/%Y %H:%M",
        ],
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
    )

    def full_clean(self) -> None:
        # Read the time as UK time (the officer's clock), not the server's zone.
        with timezone.override(LONDON):
            super().full_clean()

    def clean_send_at(self) -> datetime.datetime:
        send_at = self.cleaned_data["send_at"]
        if send_at <= timezone.now():
            raise ValidationError(
                _(
                    "That time has already passed. Choose a time in the future, or "
                    "use “Send now”."
                )
            )
        return send_at


if TYPE_CHECKING:
    _ModelChoiceField = forms.ModelChoiceField[Any]
else:
    _ModelChoiceField = forms.ModelChoiceField


class _RecipientChoiceField(_ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _recipient_label(obj)


class RecipientChoiceForm(SingleLineMixin, forms.Form):
    """On a message's preview page: see the email as one recipient of the segment
    gets it, merge fields filled in (issue 16 item 12). The list offers the first
    RECIPIENTS_LISTED by name; a name typed narrows it. Only people the segment
    selects can be chosen."""

    RECIPIENTS_LISTED = 50

    q = forms.CharField(
        label=_("Find a recipient by name"), required=False, max_length=100
    )
    person = _RecipientChoiceField(
        label=_("Show it as this person gets it"),
        queryset=None,
        required=False,
        empty_label=_("— a recipient of the segment —"),
    )

    def __init__(self, *args: Any, message: Message, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from members.models import Person
        from partyhub.comms.segments import segment_people

        people: models.QuerySet[Person]
        if message.segment is None:
            people = Person.objects.none()
        else:
            people = segment_people(
                constituency=message.constituency,
                criteria_values=message.segment.criteria,
            )
        people = people.select_related("ward").order_by("last_name", "first_name", "pk")
        field = cast("_RecipientChoiceField", self.fields["person"])
        field.queryset = people  # what may be chosen: anyone the segment selects
        matching = people
        words = (self.data.get("q") or "").split() if self.is_bound else []
        for word in words[:4]:
            matching = matching.filter(
                models.Q(first_name__icontains=word)
                | models.Q(last_name__icontains=word)
            )
        listed = list(matching[: self.RECIPIENTS_LISTED])
        self.first_listed = listed[0] if listed else None
        chosen = self.data.get("person") if self.is_bound else None
        if (
            chosen
            and str(chosen).isdigit()
            and all(str(p.pk) != chosen for p in listed)
        ):
            listed += list(people.filter(pk=chosen))
        field.widget.choices = [("", field.empty_label)] + [
            (p.pk, _recipient_label(p)) for p in listed
        ]


def _recipient_label(person: Any) -> str:
    name = f"{person.first_name} {person.last_name}".strip()
    ward = getattr(person, "ward", None)
    return f"{name} ({ward.name})" if ward else name


class ConsentRecordForm(SingleLineMixin, forms.ModelForm):
    """What an officer heard a person say, e.g. on the phone. Saved through
    consent_record, never straight into the ledger."""

    METHODS = (Method.OFFICER_PHONE, Method.OFFICER)

    granted = forms.TypedChoiceField(
        label=_("What did they say?"),
        choices=[
            ("yes", _("Yes: they agree to be contacted this way")),
            ("no", _("No: they do not want to be contacted this way")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = ConsentEvent
        fields = ("person", "channel", "topic", "granted", "method", "wording")
        labels = {
            "method": _("How"),
            "wording": _("What you asked them"),
        }
        help_texts = {
            "wording": _(
                "As near word for word as you can, e.g. “Can we email you about "
                "local news and events?” The law asks us to keep it."
            ),
            "topic": _(
                "Blank: the whole channel. A topic lets someone stop one kind of "
                "mail and keep the rest."
            ),
        }
        widgets = {"wording": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "method" in self.fields:
            self.fields["method"].choices = [(m.value, m.label) for m in self.METHODS]
            self.fields["method"].initial = Method.OFFICER_PHONE
        if "wording" in self.fields:
            self.fields["wording"].required = True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("channel") == Channel.ANY and cleaned.get("topic"):
            self.add_error(
                "topic",
                _("“%(any)s” covers every topic: leave the topic blank.")
                % {"any": Channel.ANY.label},
            )
        return cleaned
