"""The bank of local case studies in the admin."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from campaigns import services
from campaigns.models import CaseStudy
from partyhub.admin_base import (
    OwnConstituencyInitialMixin,
    ScopedAdmin,
    ServiceWrites,
)


@admin.register(CaseStudy)
class CaseStudyAdmin(ServiceWrites, OwnConstituencyInitialMixin, ScopedAdmin):
    create_service = staticmethod(services.case_study_create)
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
