"""Forms of the renewal desk's bulk actions and of the mentor's portal page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from members.desk.services import DESK_TEMPLATES
from members.models import ContactLog, Membership, Mentor, Mentorship
from partyhub.forms import SingleLineMixin


class ContactForm(SingleLineMixin, forms.Form):
    how = forms.ChoiceField(label=_("How"), choices=ContactLog.How.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ContactLog.Outcome.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DeskEmailForm(SingleLineMixin, forms.Form):
    template = forms.ChoiceField(
        label=_("Email"),
        choices=[(key, t.label) for key, t in DESK_TEMPLATES.items()],
        help_text=_(
            "Sent through communications: people who have not agreed to email are "
            "skipped, and nobody gets the same email twice in a day."
        ),
    )


class AssignMentorForm(SingleLineMixin, forms.Form):
    mentor = forms.ModelChoiceField(label=_("Mentor"), queryset=Mentor.objects.none())

    def __init__(self, *args, mentors=None, **kwargs):
        super().__init__(*args, **kwargs)
        if mentors is not None:
            self.fields["mentor"].queryset = mentors


class MentorAdminForm(SingleLineMixin, forms.ModelForm):
    class Meta:
        model = Mentor
        fields = ("person", "constituency", "branch", "capacity", "active")

    def clean(self):
        data = super().clean()
        branch, constituency = data.get("branch"), data.get("constituency")
        person = data.get("person")
        if (
            person
            and not person.memberships.filter(status=Membership.Status.CURRENT).exists()
        ):
            self.add_error("person", _("A mentor must be a member in good standing."))
        if branch and constituency and branch.constituency_id != constituency.pk:
            self.add_error(
                "branch", _("Choose a branch of %(clp)s.") % {"clp": constituency}
            )
        if data.get("capacity") == 0:
            self.add_error(
                "capacity",
                _(
                    "A mentor looks after at least one new member; untick "
                    "“taking new members” instead."
                ),
            )
        return data


class MentorshipAdminForm(SingleLineMixin, forms.ModelForm):
    class Meta:
        model = Mentorship
        fields = ("mentor",)

    def clean_mentor(self):
        mentor = self.cleaned_data.get("mentor")
        if mentor is None or mentor.pk == self.instance.mentor_id:
            return mentor
        if mentor.person_id == self.instance.mentee_id:
            raise forms.ValidationError(_("A member cannot mentor themselves."))
        if mentor.constituency_id != self.instance.constituency_id:
            raise forms.ValidationError(
                _("This mentor looks after another constituency's members.")
            )
        busy = mentor.mentorships.filter(status=Mentorship.Status.ACTIVE).count()
        if busy >= mentor.capacity:
            raise forms.ValidationError(
                _("%(mentor)s already has %(n)s new members to look after.")
                % {"mentor": mentor, "n": mentor.capacity}
            )
        return mentor
