"""Surveys in the admin: questions, and results per question by ward."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from campaigns.models import (
    Question,
    Survey,
)
from campaigns.services import survey_results
from campaigns.services.surveys import CHART_WIDTH
from members.models import Ward
from partyhub.admin_base import ScopedAdmin


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
