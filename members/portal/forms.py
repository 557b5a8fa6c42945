"""Forms of the member portal."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Availability, Person
from partyhub.comms.models import Channel, Topic
from partyhub.forms import SingleLineMixin


class DetailsForm(SingleLineMixin, forms.ModelForm):
    availability = forms.MultipleChoiceField(
        label=_("When I can help"),
        choices=Availability.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Person
        fields = (
            "first_name",
            "last_name",
            "address_line_1",
            "address_line_2",
            "town",
            "postcode",
            "phone",
            "mobile",
            "accessibility_needs",
        )
        labels = {
            "address_line_1": _("Address"),
            "accessibility_needs": _("Anything that would help you take part"),
        }
        help_texts = {
            "accessibility_needs": _(
                "For example step-free access, a hearing loop, large print or a "
                "quiet room. Only officers of your local party can read this."
            ),
            "postcode": _("We use it to find your ward and local branch."),
        }
        widgets = {
            "accessibility_needs": forms.Textarea(attrs={"rows": 3}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "mobile": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["availability"].initial = self.instance.availability_list
        for name, auto in (
            ("first_name", "given-name"),
            ("last_name", "family-name"),
            ("address_line_1", "address-line1"),
            ("address_line_2", "address-line2"),
            ("town", "address-level2"),
        ):
            self.fields[name].widget.attrs.setdefault("autocomplete", auto)

    def clean_availability(self) -> list[str]:
        # Stored in the order of the choices, whatever order they were ticked in.
        chosen = set(self.cleaned_data["availability"])
        return [value for value in Availability.values if value in chosen]


CHANNELS = (Channel.EMAIL, Channel.PHONE, Channel.TEXT, Channel.POST)
CHANNEL_LABELS = {
    Channel.EMAIL: _("The party may email me"),
    Channel.PHONE: _("The party may phone me"),
    Channel.TEXT: _("The party may send me text messages"),
    Channel.POST: _("The party may write to me by post"),
}
TOPIC_LABEL = _("Email me about: %(topic)s")
NOTHING_LABEL = _("Do not contact me at all, in any way")


def _checkbox() -> forms.CheckboxInput:
    return forms.CheckboxInput(attrs={"class": "form-check-input"})


def topic_field(topic: str) -> str:
    return f"topic_{topic}"


class ContactForm(SingleLineMixin, forms.Form):
    """One checkbox per channel and per topic of email; the label shown is the
    wording the consent ledger keeps."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for channel in CHANNELS:
            self.fields[channel] = forms.BooleanField(
                label=CHANNEL_LABELS[channel], required=False, widget=_checkbox()
            )
        for topic in Topic:
            self.fields[topic_field(topic)] = forms.BooleanField(
                label=TOPIC_LABEL % {"topic": topic.label},
                required=False,
                widget=_checkbox(),
            )
        self.fields[Channel.ANY] = forms.BooleanField(
            label=NOTHING_LABEL,
            required=False,
            widget=_checkbox(),
            help_text=_("This overrides every choice above until you untick it."),
        )

    @staticmethod
    def initial_from(consents: dict[tuple[str, str], bool]) -> dict[str, bool]:
        initial = {ch: consents.get((ch, ""), False) for ch in CHANNELS}
        for topic in Topic:
            initial[topic_field(topic)] = consents.get((Channel.EMAIL, topic), True)
        initial[Channel.ANY] = consents.get((Channel.ANY, ""), True) is False
        return initial

    def channel_fields(self) -> list[Any]:
        return [self[ch] for ch in CHANNELS]

    def topic_fields(self) -> list[Any]:
        return [self[topic_field(t)] for t in Topic]

    def wanted(self) -> dict[tuple[str, str], tuple[bool, str]]:
        """(channel, topic) -> (granted, the exact wording shown)."""
        data = self.cleaned_data
        wanted = {(ch, ""): (data[ch], str(self.fields[ch].label)) for ch in CHANNELS}
        for topic in Topic:
            name = topic_field(topic)
            wanted[(Channel.EMAIL, topic.value)] = (
                data[name],
                str(self.fields[name].label),
            )
        # Ticked "nothing" is a withdrawal of any contact; unticked lifts it.
        wanted[(Channel.ANY, "")] = (
            not data[Channel.ANY],
            str(self.fields[Channel.ANY].label),
        )
        return wanted


class ErasureForm(SingleLineMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("You do not have to give a reason."),
    )
