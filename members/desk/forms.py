"""Forms of the renewal desk's bulk actions and of the mentor's portal page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from members.desk.services import DESK_TEMPLATES
from members.models import ContactLog, Mentor


class ContactForm(forms.Form):
    how = forms.ChoiceField(label=_("How"), choices=ContactLog.How.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ContactLog.Outcome.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DeskEmailForm(forms.Form):
    template = forms.ChoiceField(
        label=_("Email"),
        choices=[(key, t.label) for key, t in DESK_TEMPLATES.items()],
        help_text=_(
            "Sent through communications: people who have not agreed to email are "
            "skipped, and nobody gets the same email twice in a day."
        ),
    )


class AssignMentorForm(forms.Form):
    mentor = forms.ModelChoiceField(label=_("Mentor"), queryset=Mentor.objects.none())

    def __init__(self, *args, mentors=None, **kwargs):
        super().__init__(*args, **kwargs)
        if mentors is not None:
            self.fields["mentor"].queryset = mentors
