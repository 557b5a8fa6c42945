"""Street-watch reports in the admin: the record of action per ward."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from campaigns import services
from campaigns.models import StreetReport
from campaigns.services import (
    CampaignsError,
    street_report_forward,
    street_report_resolve,
    street_reports_by_ward,
)
from campaigns.views.streetwatch import street_photo_response
from partyhub.actors import actor_of
from partyhub.admin_base import (
    ScopedAdmin,
    ServiceWrites,
)
from partyhub.errors import message_of


@admin.register(StreetReport)
class StreetReportAdmin(ServiceWrites, ScopedAdmin):
    update_service = staticmethod(services.street_report_update)
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
                sent = street_report_forward(report=report, actor=actor_of(request))
            except CampaignsError as exc:
                self.message_user(
                    request, f"{report}: {message_of(exc)}", messages.ERROR
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
            street_report_resolve(report=report, actor=actor_of(request))
        self.message_user(request, _("Marked resolved."), messages.SUCCESS)
