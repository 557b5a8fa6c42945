"""Forms of the events' own admin pages (invitations, and more below)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from events.models import Booking, Event, Invitation
from members.models import Person
from partyhub.comms.models import Segment
from partyhub.forms import SingleLineMixin


class InviteForm(SingleLineMixin, forms.Form):
    segment = forms.ModelChoiceField(
        label=_("Everyone in a saved segment"),
        queryset=Segment.objects.none(),
        required=False,
    )
    people = forms.ModelMultipleChoiceField(
        label=_("And these people"),
        queryset=Person.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, event: Event, user: Any, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        clps = event.constituencies.all()
        self.fields["segment"].queryset = Segment.objects.in_constituencies(
            user
        ).filter(constituency__in=clps)
        self.fields["people"].widget = AutocompleteSelectMultiple(
            Invitation._meta.get_field("person"), admin_site
        )
        # Set after the widget: the queryset hands its choices to the widget.
        self.fields["people"].queryset = Person.objects.in_constituencies(user).filter(
            constituency__in=clps
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors and not data.get("segment") and not data.get("people"):
            raise forms.ValidationError(_("Choose a segment or some people to invite."))
        return data

    def people_to_invite(self):
        from partyhub.comms.segments import segment_people

        data = self.cleaned_data
        ids = {p.pk for p in data.get("people") or []}
        segment = data.get("segment")
        if segment is not None:
            ids |= set(
                segment_people(
                    constituency=segment.constituency,
                    criteria_values=segment.criteria,
                ).values_list("pk", flat=True)
            )
        return Person.objects.filter(pk__in=ids).order_by("pk")


class EventAdminForm(SingleLineMixin, forms.ModelForm):
    """The event's admin form. Lowering the capacity below the places already
    booked is refused (the admin page saves in one transaction, so the row lock
    taken here holds until the save: no booking slips in between)."""

    class Meta:
        model = Event
        fields = (
            "kind", "title", "description", "starts", "ends", "venue", "address",
            "accessibility", "constituencies", "audience", "capacity", "organiser",
            "price", "concession_price",
        )  # fmt: skip

    def clean_audience(self):
        audience = self.cleaned_data.get("audience")
        if (
            self.instance.pk is None
            or audience != Event.Audience.MEMBERS
            or self.instance.audience == Event.Audience.MEMBERS
        ):
            return audience
        from members.models import Membership

        outsiders = (
            Booking.objects.filter(
                event=self.instance,
                status__in=[Booking.Status.YES, Booking.Status.MAYBE,
                            Booking.Status.WAITING],
            )
            .exclude(
                person__in=Membership.objects.in_good_standing().values("person")
            )
            .count()
        )  # fmt: skip
        if outsiders:
            raise forms.ValidationError(
                ngettext(
                    "%(n)d person booked is not a member: cancel their booking "
                    "before making the event members-only.",
                    "%(n)d people booked are not members: cancel their bookings "
                    "before making the event members-only.",
                    outsiders,
                ),
                params={"n": outsiders},
            )
        return audience

    def clean_capacity(self):
        # The rule is the service's (events.services.event_capacity_check); its
        # refusal shows next to the field.
        from events.services import event_capacity_check

        capacity = self.cleaned_data.get("capacity")
        event_capacity_check(event=self.instance, capacity=capacity)
        return capacity


class WalkInForm(SingleLineMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        help_text=_("Finds them if we know them already; adds them to no list."),
    )


class BookingAdminForm(SingleLineMixin, forms.ModelForm):
    class Meta:
        model = Booking
        fields = ("attended_at", "host")

    def clean_host(self):
        host = self.cleaned_data.get("host")
        if host is None:
            return host
        if host.pk == self.instance.person_id:
            raise forms.ValidationError(_("Somebody cannot host themself."))
        if not host.memberships.in_good_standing().exists():
            raise forms.ValidationError(_("A host must be a current member."))
        return host


class ProgrammeYearForm(SingleLineMixin, forms.Form):
    constituency = forms.ModelChoiceField(
        label=_("Constituency"), queryset=Person.objects.none(), required=False
    )
    year = forms.IntegerField(
        label=_("Year"), min_value=2000, max_value=2100, required=False
    )

    def __init__(self, *args: Any, constituencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["constituency"].queryset = constituencies


class HoursForm(SingleLineMixin, forms.Form):
    starts = forms.DateField(
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    ends = forms.DateField(
        label=_("To (inclusive)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("starts") and data.get("ends") and data["ends"] < data["starts"]:
            self.add_error("ends", _("The end must not be before the start."))
        return data


class OrganisationInviteForm(SingleLineMixin, forms.Form):
    organisations = forms.ModelMultipleChoiceField(
        label=_("Community organisations to invite"),
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, event: Event, user: Any, **kwargs):
        from networks.models import CommunityOrganisation

        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = (
            CommunityOrganisation.objects.in_constituencies(user)
            .filter(constituency__in=event.constituencies.all())
            .exclude(event_invites__event=event)
            .order_by("name")
        )
        self.fields["organisations"].label_from_instance = lambda org: (
            f"{org.name} — {org.get_kind_display()}"
            + ("" if org.consent_to_mail and org.contact_email
               else " " + str(_("(not to be emailed: phone or write)")))
        )  # fmt: skip
