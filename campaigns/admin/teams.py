"""Campaigns, their targets and progress, teams and sessions in the admin.

Campaigns and teams may span several constituencies. An officer sees such a record
when one of its constituencies is theirs, but only their own CLP's people on it;
saving the record keeps the other CLPs' constituencies, wards and leads, which the
officer's form never offered.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from campaigns import services
from campaigns.models import (
    Campaign,
    Session,
    SessionOutput,
    SessionSignup,
    Target,
    Team,
    TeamLead,
    TeamMembership,
)
from campaigns.services import (
    campaign_progress,
    team_invite,
)
from partyhub.actors import actor_of
from partyhub.admin_base import (
    AppointmentInline,
    ScopedAdmin,
    ScopedInline,
    ServiceWrites,
    formset_through_services,
)
from partyhub.forms import SingleLineMixin
from partyhub.scoping import constituency_ids


class TargetInline(ScopedInline):
    model = Target
    fields = ("measure", "ward", "number", "by")
    # A shared campaign's targets for another constituency's wards are that CLP's:
    # not shown here (so never named), and kept on saving as the formset only
    # touches the rows it shows. Wards are chosen by scoped autocomplete.

    def get_queryset(self, request):
        queryset = admin.TabularInline.get_queryset(self, request)
        ids = constituency_ids(request.user)
        if ids is None:
            return queryset
        return queryset.filter(Q(ward__isnull=True) | Q(ward__constituency__in=ids))

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        allowed = constituency_ids(request.user)

        class TargetForm(SingleLineMixin, formset.form):
            def clean_ward(self):
                ward = self.cleaned_data.get("ward")
                if (
                    ward is not None
                    and allowed is not None
                    and "ward" in self.changed_data
                    and ward.constituency_id not in allowed
                ):
                    raise forms.ValidationError(
                        _("Choose a ward of a constituency you look after.")
                    )
                return ward

        formset.form = TargetForm
        return formset


@admin.register(Campaign)
class CampaignAdmin(ScopedAdmin):
    list_display = ("name", "starts", "ends", "target_count")
    search_fields = ("name",)
    date_hierarchy = "starts"
    filter_horizontal = ("constituencies", "wards")
    inlines = [TargetInline]
    readonly_fields = ("progress",)
    fieldsets = (
        (None, {"fields": ("name", "description", "starts", "ends")}),
        (_("Where"), {"fields": ("constituencies", "wards")}),
        (_("Progress"), {"fields": ("progress",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_targets=Count("targets"))

    @admin.display(description=_("targets"), ordering="_targets")
    def target_count(self, obj: Campaign) -> int:
        return obj._targets

    @admin.display(description=_("progress against targets"))
    def progress(self, obj: Campaign) -> str:
        if obj.pk is None:
            return "—"
        rows = campaign_progress(obj)
        if not rows:
            return _("No targets yet.")
        # A <progress> element: server-rendered, no inline style, works under the
        # strict content security policy.
        return format_html(
            '<ul class="list-unstyled">{}</ul>',
            format_html_join(
                "",
                '<li><label>{}<br><progress max="{}" value="{}">{}%</progress> '
                "{} / {} ({}%)</label></li>",
                (
                    (
                        str(p.target),
                        p.target.number,
                        min(p.done, p.target.number),
                        p.percent,
                        p.done,
                        p.target.number,
                        p.percent,
                    )
                    for p in rows
                ),
            ),
        )


class MembershipInline(ScopedInline):
    model = TeamMembership
    fields = ("person", "joined")
    readonly_fields = ("joined",)
    verbose_name = _("team member")
    verbose_name_plural = _("team members (from your constituencies)")


class LeadInline(AppointmentInline):
    model = TeamLead
    fields = ("person", "appointed_for")
    autocomplete_fields = ("person",)
    verbose_name = _("lead")
    verbose_name_plural = _("leads (from your constituencies)")

    def get_queryset(self, request):
        queryset = admin.TabularInline.get_queryset(self, request)
        ids = constituency_ids(request.user)
        if ids is None:
            return queryset
        return queryset.filter(person__constituency__in=ids)


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    fields = ("starts", "ends", "meeting_point", "status")
    show_change_link = True

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(starts__gte=timezone.now() - datetime.timedelta(days=28))
            .select_related("team")
        )


class TeamForm(SingleLineMixin, forms.ModelForm):
    def clean_timezone(self) -> str:
        # The rota is built in this zone: an unknown name would break every save
        # and the nightly run.
        name = self.cleaned_data["timezone"].strip()
        if name not in zoneinfo.available_timezones():
            raise forms.ValidationError(
                gettext("“%(name)s” is not a time zone we know: try Europe/London.")
                % {"name": name}
            )
        return name


@admin.register(Team)
class TeamAdmin(ServiceWrites, ScopedAdmin):
    create_service = staticmethod(services.team_create)
    update_service = staticmethod(services.team_update)
    form = TeamForm
    list_display = ("name", "campaign", "weekday", "start_time", "meeting_point")
    list_select_related = ("campaign",)
    list_filter = ("weekday",)
    search_fields = ("name", "area", "meeting_point")
    filter_horizontal = ("constituencies",)
    exclude = ("leads",)
    inlines = [LeadInline, MembershipInline, SessionInline]
    actions = ["send_signup_links"]

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is TeamMembership:
            return formset_through_services(
                model_admin=self,
                request=request,
                formset=formset,
                create=services.team_membership_create,
                update=services.team_membership_update,
                delete=services.team_membership_delete,
            )
        if formset.model is Session:
            return formset_through_services(
                model_admin=self,
                request=request,
                formset=formset,
                create=services.session_create,
                update=services.session_update,
                delete=services.session_delete,
            )
        return super().save_formset(request, form, formset, change)

    @admin.action(
        description=_("Email team members their sign-up link (once each)"),
        permissions=["change"],
    )
    def send_signup_links(self, request: HttpRequest, queryset) -> None:
        # Only the officer's own people: another CLP mails its own members.
        memberships = TeamMembership.objects.filter(team__in=queryset).select_related(
            "team", "person"
        )
        ids = constituency_ids(request.user)
        if ids is not None:
            memberships = memberships.filter(person__constituency__in=ids)
        count = 0
        for membership in memberships:
            team_invite(
                team=membership.team, person=membership.person, actor=actor_of(request)
            )
            count += 1
        self.message_user(
            request,
            _("Sign-up links for %(n)s team members (nobody is sent one twice).")
            % {"n": count},
            messages.SUCCESS,
        )

    fieldsets = (
        (None, {"fields": ("name", "campaign", "constituencies", "area")}),
        (
            _("Rota"),
            {
                "fields": (
                    "weekday",
                    "start_time",
                    "duration_minutes",
                    "every_weeks",
                    "rota_starts",
                    "meeting_point",
                    "timezone",
                )
            },
        ),
    )


class SignupInline(ScopedInline):
    model = SessionSignup
    fields = ("person", "attended")
    verbose_name_plural = _("sign-ups (from your constituencies)")


class OutputInline(admin.StackedInline):
    model = SessionOutput
    extra = 0
    fields = ("leaflets", "doors", "calls", "posters", "contacts", "ward", "notes")
    # Recorded by the lead; a shared team's ward may be another CLP's.
    readonly_fields = ("ward",)


@admin.register(Session)
class SessionAdmin(ServiceWrites, ScopedAdmin):
    create_service = staticmethod(services.session_create)
    update_service = staticmethod(services.session_update)
    delete_service = staticmethod(services.session_delete)
    list_display = ("team", "starts", "meeting_point", "status")
    list_select_related = ("team",)
    list_filter = ("status",)
    date_hierarchy = "starts"
    inlines = [SignupInline, OutputInline]
