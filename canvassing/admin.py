"""Canvassing in the officers' admin: appointing canvass leads, the imprint, and
reading the register's imports and districts. The register itself is worked from
the canvassing pages (/canvassing/), which link here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from canvassing.models import CanvassLead, Imprint, PollingDistrict, RegisterImport
from canvassing.services.setup import (
    canvass_lead_create,
    canvass_lead_delete,
    imprint_create,
    imprint_update,
)
from partyhub.admin_base import ReadOnlyAdmin, ScopedAdmin, ServiceWrites


@admin.register(CanvassLead)
class CanvassLeadAdmin(ServiceWrites, ScopedAdmin):
    list_display = ("person", "constituency", "appointed_by", "created")
    list_select_related = ("person", "constituency", "appointed_by")
    list_filter = ("constituency",)
    search_fields = ("person__first_name", "person__last_name")
    fields = ("constituency", "person")

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        # A lead is appointed or removed, not edited into someone else.
        return False if obj is not None else super().has_change_permission(request, obj)

    create_service = canvass_lead_create
    delete_service = canvass_lead_delete


@admin.register(Imprint)
class ImprintAdmin(ServiceWrites, ScopedAdmin):
    list_display = ("constituency", "promoter", "on_behalf_of", "address")
    list_select_related = ("constituency",)
    fields = ("constituency", "promoter", "on_behalf_of", "address")

    create_service = imprint_create
    update_service = imprint_update


@admin.register(PollingDistrict)
class PollingDistrictAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "ward", "imported_at", "pages")
    list_select_related = ("ward", "constituency")
    list_filter = ("constituency", "ward")
    search_fields = ("code", "name")

    @admin.display(description=_("Canvassing pages"))
    def pages(self, obj: PollingDistrict) -> str:
        from django.urls import reverse

        return format_html(
            '<a href="{}">{}</a>',
            reverse("canvassing:constituency", args=[obj.constituency.slug]),
            _("Open"),
        )


@admin.register(RegisterImport)
class RegisterImportAdmin(ReadOnlyAdmin):
    list_display = ("created", "district", "kind", "added", "changed", "deleted")
    list_select_related = ("district",)
    list_filter = ("kind",)
    search_fields = ("district__code", "file_name")
