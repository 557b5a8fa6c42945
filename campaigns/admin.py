"""Campaigns in the officers' admin: scoped like every other admin page.

Campaigns and teams may span several constituencies. An officer sees such a record
when one of its constituencies is theirs, but only their own CLP's people on it;
saving the record keeps the other CLPs' constituencies, wards and leads, which the
officer's form never offered.
"""

from __future__ import annotations

import csv
import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from campaigns.forms import PaperSignaturesForm
from campaigns.models import (
    CallList,
    CallOutcome,
    Campaign,
    CaseStudy,
    Petition,
    Question,
    Session,
    SessionOutput,
    SessionSignup,
    StreetReport,
    Survey,
    Target,
    Team,
    TeamMembership,
)
from campaigns.services import (
    CampaignsError,
    call_list_build,
    call_list_progress,
    campaign_progress,
    petition_export,
    petition_paper_signatures_add,
    street_report_forward,
    street_report_resolve,
    street_reports_by_ward,
    survey_results,
    team_invite,
)
from campaigns.services.surveys import CHART_WIDTH
from campaigns.views.streetwatch import street_photo_response
from members.models import Ward
from partyhub.admin_base import (
    OwnConstituencyInitialMixin,
    ScopedAdmin,
    ScopedInline,
    error_text,
)
from partyhub.audit.services import audit_log
from partyhub.scoping import constituency_ids


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    fields = ("measure", "ward", "number", "by")
    raw_id_fields = ("ward",)


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
    raw_id_fields = ("person",)
    verbose_name = _("team member")
    verbose_name_plural = _("team members (from your constituencies)")


class LeadInline(ScopedInline):
    model = Team.leads.through
    raw_id_fields = ("person",)
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


@admin.register(Team)
class TeamAdmin(ScopedAdmin):
    list_display = ("name", "campaign", "weekday", "start_time", "meeting_point")
    list_select_related = ("campaign",)
    list_filter = ("weekday",)
    search_fields = ("name", "area", "meeting_point")
    filter_horizontal = ("constituencies",)
    raw_id_fields = ("campaign",)
    exclude = ("leads",)
    inlines = [LeadInline, MembershipInline, SessionInline]
    actions = ["send_signup_links"]

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
                team=membership.team, person=membership.person, actor=request.user
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
    raw_id_fields = ("person",)
    verbose_name_plural = _("sign-ups (from your constituencies)")


class OutputInline(admin.StackedInline):
    model = SessionOutput
    extra = 0
    fields = ("leaflets", "doors", "calls", "posters", "contacts", "notes")


@admin.register(Session)
class SessionAdmin(ScopedAdmin):
    list_display = ("team", "starts", "meeting_point", "status")
    list_select_related = ("team",)
    list_filter = ("status",)
    date_hierarchy = "starts"
    raw_id_fields = ("team",)
    inlines = [SignupInline, OutputInline]


@admin.register(Petition)
class PetitionAdmin(ScopedAdmin):
    list_display = ("title", "constituency", "status", "signature_count", "target")
    list_select_related = ("constituency",)
    list_filter = ("status", "constituency")
    search_fields = ("title",)
    prepopulated_fields = {"slug": ("title",)}
    raw_id_fields = ("campaign",)
    actions = ["export_for_hand_in"]
    readonly_fields = ("paper_entry",)

    @admin.display(description=_("paper signatures"))
    def paper_entry(self, obj: Petition) -> str:
        if obj.pk is None:
            return "—"
        url = reverse("admin:campaigns_petition_paper", args=[obj.pk])
        return format_html(
            '<a href="{}">{}</a>', url, _("Enter signatures collected on paper")
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/paper/",
                wrap(self.paper_view),
                name="campaigns_petition_paper",
            ),
            *super().get_urls(),
        ]

    def paper_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Signatures from a stall's paper forms, pasted in bulk: all or none."""
        petition = self.get_object(request, object_id)
        if petition is None:
            raise Http404
        if not self.has_change_permission(request, petition):
            raise PermissionDenied
        report = None
        if request.method == "POST":
            form = PaperSignaturesForm(request.POST)
            if form.is_valid():
                try:
                    report = petition_paper_signatures_add(
                        petition=petition,
                        text=form.cleaned_data["lines"],
                        actor=request.user,
                    )
                except CampaignsError as exc:
                    form.add_error(None, error_text(exc))
                else:
                    if report.applied:
                        self.message_user(
                            request,
                            _(
                                "Added %(added)s paper signatures "
                                "(%(already)s had already signed)."
                            )
                            % {"added": report.added, "already": report.already},
                            messages.SUCCESS,
                        )
                        return HttpResponseRedirect(
                            reverse(
                                "admin:campaigns_petition_change", args=[petition.pk]
                            )
                        )
                    form.add_error(
                        "lines",
                        _("Nothing was added: correct the lines listed below."),
                    )
        else:
            form = PaperSignaturesForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": petition,
            "title": _("Paper signatures for “%(title)s”") % {"title": petition},
            "form": form,
            "report": report,
        }
        return TemplateResponse(request, "admin/campaigns/petition/paper.html", context)

    def get_queryset(self, request):
        # One query for the list, however many petitions: the count is annotated.
        return super().get_queryset(request).annotate(_signatures=Count("signatures"))

    @admin.display(description=_("signatures"), ordering="_signatures")
    def signature_count(self, obj: Petition) -> int:
        return obj._signatures

    @admin.action(
        description=_("Export for handing in (names and postcodes)"),
        permissions=["change"],
    )
    def export_for_hand_in(self, request: HttpRequest, queryset) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = (
            f'attachment; filename="petition-signatures-{stamp}.csv"'
        )
        writer = csv.writer(response)
        writer.writerow([_("Petition"), _("Name"), _("Postcode")])
        for petition in queryset:
            for name, postcode in petition_export(
                petition=petition, actor=request.user
            ):
                writer.writerow([petition.title, name, postcode])
        return response


@admin.register(CallList)
class CallListAdmin(ScopedAdmin):
    list_display = (
        "name",
        "constituency",
        "status",
        "total",
        "to_call",
        "answered",
        "no_answer",
        "wrong_number",
        "do_not_call",
    )
    list_select_related = ("constituency",)
    list_filter = ("status", "constituency")
    search_fields = ("name",)
    raw_id_fields = ("campaign",)
    readonly_fields = ("built_at", "progress")
    actions = ["build"]
    fieldsets = (
        (None, {"fields": ("name", "constituency", "campaign", "status")}),
        (_("Who to call"), {"fields": ("segment", "built_at", "progress")}),
        (_("Callers"), {"fields": ("script", "reservation_minutes")}),
    )

    def get_queryset(self, request):
        # Progress for every list in one query: counts by outcome are annotated.
        counts = {
            outcome: Count("entries", filter=Q(entries__outcome=outcome))
            for outcome in CallOutcome.values
        }
        return (
            super()
            .get_queryset(request)
            .annotate(
                _total=Count("entries"),
                _to_call=Count("entries", filter=Q(entries__outcome="")),
                **{f"_{k}": v for k, v in counts.items()},
            )
        )

    @admin.display(description=_("people"), ordering="_total")
    def total(self, obj: CallList) -> int:
        return obj._total

    @admin.display(description=_("to call"), ordering="_to_call")
    def to_call(self, obj: CallList) -> int:
        return obj._to_call

    @admin.display(description=CallOutcome.ANSWERED.label, ordering="_answered")
    def answered(self, obj: CallList) -> int:
        return obj._answered

    @admin.display(description=CallOutcome.NO_ANSWER.label, ordering="_no_answer")
    def no_answer(self, obj: CallList) -> int:
        return obj._no_answer

    @admin.display(description=CallOutcome.WRONG_NUMBER.label, ordering="_wrong_number")
    def wrong_number(self, obj: CallList) -> int:
        return obj._wrong_number

    @admin.display(description=CallOutcome.DO_NOT_CALL.label, ordering="_do_not_call")
    def do_not_call(self, obj: CallList) -> int:
        return obj._do_not_call

    @admin.display(description=_("progress"))
    def progress(self, obj: CallList) -> str:
        if obj.pk is None:
            return "—"
        counts = call_list_progress(obj)
        rows = [(_("People on the list"), counts["total"])]
        rows += [(_("Still to call"), counts["to_call"])]
        rows += [(_("Held by callers now"), counts["held"])]
        rows += [(label, counts[value]) for value, label in CallOutcome.choices]
        return format_html(
            "<dl>{}</dl>",
            format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows),
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(
        description=_("Build the list from its segment (adds newcomers only)"),
        permissions=["change"],
    )
    def build(self, request: HttpRequest, queryset) -> None:
        for call_list in queryset.select_related("segment", "constituency"):
            try:
                added = call_list_build(call_list=call_list, actor=request.user)
            except CampaignsError as exc:
                self.message_user(
                    request, f"{call_list}: {error_text(exc)}", messages.ERROR
                )
            else:
                self.message_user(
                    request,
                    _("%(list)s: %(n)s people added.")
                    % {"list": call_list, "n": added},
                    messages.SUCCESS,
                )


@admin.register(StreetReport)
class StreetReportAdmin(ScopedAdmin):
    """Street-watch reports: the record of action per ward."""

    list_display = (
        "created",
        "category",
        "location",
        "ward",
        "status",
        "forwarded_at",
        "resolved_at",
    )
    list_select_related = ("ward", "constituency")
    list_filter = ("status", "category", "ward")
    search_fields = ("location", "description", "postcode", "action_taken")
    date_hierarchy = "created"
    actions = ["forward", "resolve"]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "category",
                    "description",
                    "location",
                    "postcode",
                    "latitude",
                    "longitude",
                    "photo_link",
                    "reporter_name",
                    "created",
                )
            },
        ),
        (
            _("Action"),
            {
                "fields": (
                    "constituency",
                    "ward",
                    "status",
                    "councillors",
                    "forwarded_at",
                    "resolved_at",
                    "action_taken",
                )
            },
        ),
    )
    readonly_fields = (
        "category",
        "description",
        "location",
        "postcode",
        "latitude",
        "longitude",
        "photo_link",
        "reporter_name",
        "created",
        "constituency",
        "status",
        "councillors",
        "forwarded_at",
        "resolved_at",
    )

    def has_add_permission(self, request):
        return False  # reports come from members and supporters

    @admin.display(description=_("reported by"))
    def reporter_name(self, obj: StreetReport) -> str:
        return str(obj.reporter) if obj.reporter else "—"

    @admin.display(description=_("forwarded to"))
    def councillors(self, obj: StreetReport) -> str:
        return ", ".join(str(p) for p in obj.forwarded_to.all()) or "—"

    @admin.display(description=_("photo"))
    def photo_link(self, obj: StreetReport) -> str:
        if not obj.photo:
            return "—"
        url = reverse("admin:campaigns_streetreport_photo", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open the photo"))

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/photo/",
                wrap(self.photo_view),
                name="campaigns_streetreport_photo",
            ),
            path(
                "by-ward/",
                wrap(self.by_ward_view),
                name="campaigns_streetreport_by_ward",
            ),
            *super().get_urls(),
        ]

    def photo_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        report = self.get_object(request, object_id)
        if report is None or not report.photo:
            raise Http404
        return street_photo_response(report)

    def by_ward_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        rows = street_reports_by_ward(self.get_queryset(request))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Street watch: action per ward"),
            "rows": rows,
        }
        return TemplateResponse(
            request, "admin/campaigns/streetreport/by_ward.html", context
        )

    @admin.action(
        description=_("Forward to the ward's councillors (once each)"),
        permissions=["change"],
    )
    def forward(self, request: HttpRequest, queryset) -> None:
        for report in queryset:
            try:
                sent = street_report_forward(report=report, actor=request.user)
            except CampaignsError as exc:
                self.message_user(
                    request, f"{report}: {error_text(exc)}", messages.ERROR
                )
                continue
            if not sent:
                self.message_user(
                    request,
                    _("%(report)s: the ward has no councillor recorded.")
                    % {"report": report},
                    messages.WARNING,
                )

    @admin.action(
        description=_("Mark resolved and tell the reporter"), permissions=["change"]
    )
    def resolve(self, request: HttpRequest, queryset) -> None:
        for report in queryset:
            street_report_resolve(report=report, actor=request.user)
        self.message_user(request, _("Marked resolved."), messages.SUCCESS)


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 1
    fields = ("order", "text", "kind", "options", "required")


@admin.register(Survey)
class SurveyAdmin(ScopedAdmin):
    list_display = ("title", "constituency", "status", "access", "response_count")
    list_select_related = ("constituency",)
    list_filter = ("status", "access", "constituency")
    search_fields = ("title",)
    prepopulated_fields = {"slug": ("title",)}
    raw_id_fields = ("campaign",)
    readonly_fields = ("results_link",)
    inlines = [QuestionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_responses=Count("responses"))

    @admin.display(description=_("responses"), ordering="_responses")
    def response_count(self, obj: Survey) -> int:
        return obj._responses

    @admin.display(description=_("results"))
    def results_link(self, obj: Survey) -> str:
        if obj.pk is None:
            return "—"
        url = reverse("admin:campaigns_survey_results", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("See the results"))

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/results/",
                wrap(self.results_view),
                name="campaigns_survey_results",
            ),
            *super().get_urls(),
        ]

    def results_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        survey = self.get_object(request, object_id)
        if survey is None:
            raise Http404
        wards = Ward.objects.filter(constituency_id=survey.constituency_id).order_by(
            "name"
        )
        ward = None
        chosen = request.GET.get("ward", "")
        if chosen:
            # Only the survey's own constituency's wards can be chosen.
            ward = wards.filter(pk=chosen).first() if chosen.isdigit() else None
            if ward is None:
                raise Http404
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": survey,
            "title": _("Results: %(title)s") % {"title": survey.title},
            "wards": wards,
            "ward": ward,
            "results": survey_results(survey=survey, ward_id=ward.pk if ward else None),
            "chart_width": CHART_WIDTH,
        }
        return TemplateResponse(request, "admin/campaigns/survey/results.html", context)


@admin.register(CaseStudy)
class CaseStudyAdmin(OwnConstituencyInitialMixin, ScopedAdmin):
    """The bank of local stories. Campaigners (officers who read but do not edit)
    find only the stories whose people agreed to their use."""

    list_display = ("title", "policy_area", "ward", "consent_given", "consent_date")
    list_select_related = ("ward",)
    list_filter = ("policy_area", "ward", "consent_given")
    search_fields = ("title", "text", "policy_area", "ward__name")
    fieldsets = (
        (None, {"fields": ("constituency", "ward", "title", "policy_area", "text")}),
        (
            _("Consent of the people in it"),
            {"fields": ("consent_given", "consent_given_by", "consent_date")},
        ),
    )

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not self.has_change_permission(request):
            queryset = queryset.findable()
        return queryset

    def get_list_filter(self, request):
        if not self.has_change_permission(request):
            return ("policy_area", "ward")
        return self.list_filter

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        audit_log(
            actor=request.user,
            action="case_study.change" if change else "case_study.add",
            obj=obj,
            detail={"consent_given": obj.consent_given},
        )
