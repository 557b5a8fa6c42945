"""The public petition form: name, email, postcode and a box per channel, unticked;
the label beside each box is the wording the consent ledger keeps."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.models import CallOutcome, Question, StreetReport
from campaigns.services import CONSENT_WORDING, CampaignsError, street_photo_clean
from members.models import Person, Ward
from members.postcodes import PostcodeFormField
from partyhub.comms.models import Channel
from partyhub.forms import BotTrapMixin, SingleLineMixin


class SignForm(BotTrapMixin, forms.Form):
    first_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    postcode = PostcodeFormField(label=_("Postcode"))
    consent_email = forms.BooleanField(
        label=CONSENT_WORDING[Channel.EMAIL],
        required=False,
        help_text=_(
            "We will email you a link to confirm; you join the supporters' club "
            "when you press it."
        ),
    )
    consent_post = forms.BooleanField(
        label=CONSENT_WORDING[Channel.POST], required=False
    )

    def consent_fields(self) -> list[forms.BoundField]:
        return [self["consent_email"], self["consent_post"]]

    def sign_data(self) -> dict[str, Any]:
        return self.without_bot_fields()


class SessionOutputForm(SingleLineMixin, forms.Form):
    """What the lead fills in on their phone after a session."""

    attended = forms.ModelMultipleChoiceField(
        label=_("Who came"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    leaflets = forms.IntegerField(label=_("Leaflets delivered"), min_value=0, initial=0)
    doors = forms.IntegerField(label=_("Doors knocked"), min_value=0, initial=0)
    calls = forms.IntegerField(label=_("Calls made"), min_value=0, initial=0)
    posters = forms.IntegerField(label=_("Posters up"), min_value=0, initial=0)
    contacts = forms.IntegerField(label=_("Contacts"), min_value=0, initial=0)
    notes = forms.CharField(
        label=_("Round or streets covered"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    ward = forms.ModelChoiceField(
        label=_("Ward"),
        queryset=Ward.objects.none(),
        required=False,
        empty_label=_("Not one ward"),
        help_text=_("Where the team worked, for the ward's targets."),
    )

    def __init__(self, *args: Any, session: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team = session.team
        self.fields["ward"].queryset = Ward.objects.filter(
            constituency__in=team.constituencies.all()
        ).order_by("name")
        self.initial.setdefault(
            "attended", list(session.signups.values_list("person_id", flat=True))
        )
        self.fields["attended"].queryset = (
            Person.objects.filter(
                Q(campaign_teams=team) | Q(pk__in=session.signups.values("person_id"))
            )
            .distinct()
            .order_by("first_name", "last_name")
        )
        for field in ("leaflets", "doors", "calls", "posters", "contacts"):
            self.fields[field].widget.attrs["inputmode"] = "numeric"


class PaperSignaturesForm(SingleLineMixin, forms.Form):
    """Lines typed or pasted from the stall's paper forms."""

    lines = forms.CharField(
        label=_("Signatures"),
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 15, "cols": 80}),
        help_text=_(
            "One signer a line: name, postcode, email (optional), email box, post "
            "box. Put y in a box column only if the box was ticked on the paper "
            "form. Example: Ada Lovelace, B8 1AA, ada@example.org, y,"
        ),
    )


class CallOutcomeForm(SingleLineMixin, forms.Form):
    """What happened on one call, on the caller's phone."""

    outcome = forms.ChoiceField(
        label=_("What happened?"),
        choices=CallOutcome.choices,
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=_("Notes (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class StreetReportForm(SingleLineMixin, forms.Form):
    """A problem in the street, from a phone: what, where, and a photo if they can."""

    category = forms.ChoiceField(
        label=_("What is the problem?"),
        choices=StreetReport.Category.choices,
        widget=forms.RadioSelect,
    )
    description = forms.CharField(
        label=_("Tell us about it"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    location = forms.CharField(
        label=_("Where is it?"),
        max_length=200,
        help_text=_("A street, a landmark, a house number: enough to find it."),
    )
    postcode = PostcodeFormField(
        label=_("Nearest postcode"),
        help_text=_("So we know whose ward it is."),
    )
    latitude = forms.DecimalField(
        label=_("Latitude (optional)"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
    )
    longitude = forms.DecimalField(
        label=_("Longitude (optional)"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
    )
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        help_text=_("JPEG, PNG or WebP, up to 8 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp"}
        ),
    )

    def clean_photo(self) -> Any:
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        try:
            # Decoded once, here; the service gets the small, clean copy.
            return street_photo_clean(upload)
        except CampaignsError as exc:
            raise forms.ValidationError(exc.messages[0]) from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error(
                "longitude", _("Give both latitude and longitude, or neither.")
            )
        return data


class SurveyForm(SingleLineMixin, forms.Form):
    """A survey's questions as fields (q<id>), plus a postcode for the ward."""

    def __init__(self, *args: Any, survey: Any, ask_postcode: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        Kind = Question.Kind
        for question in survey.questions.all():
            choices = [(o, o) for o in question.option_list]
            name = f"q{question.pk}"
            common = {"label": question.text, "required": question.required}
            if question.kind == Kind.CHOICE:
                field = forms.ChoiceField(
                    choices=choices, widget=forms.RadioSelect, **common
                )
            elif question.kind == Kind.SCALE:
                field = forms.ChoiceField(
                    choices=choices,
                    widget=forms.RadioSelect,
                    help_text=_("1 is the lowest, 5 the highest."),
                    **common,
                )
            elif question.kind == Kind.CHOICES:
                field = forms.MultipleChoiceField(
                    choices=choices, widget=forms.CheckboxSelectMultiple, **common
                )
            else:
                field = forms.CharField(
                    max_length=4000,
                    widget=forms.Textarea(attrs={"rows": 3}),
                    **common,
                )
            self.fields[name] = field
        if ask_postcode:
            self.fields["postcode"] = PostcodeFormField(
                label=_("Your postcode (optional)"),
                required=False,
                help_text=_("So we can see what each area thinks."),
            )

    def answers(self) -> dict[int, Any]:
        return {
            int(name[1:]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("q")
        }


class PublicSurveyForm(BotTrapMixin, SurveyForm):
    """The survey on its public page: the public forms' bot traps as well."""
