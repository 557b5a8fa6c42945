"""Segments: named selections of people, with a live count and preview."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from partyhub.admin_base import OwnConstituencyInitialMixin, ScopedAdmin, ServiceWrites
from partyhub.comms import services as comms_services
from partyhub.comms.forms import (
    PREVIEW_BUTTON,
    SegmentForm,
    criteria_by_kind,
    describe_criteria,
    is_criterion_field,
)
from partyhub.comms.models import Segment
from partyhub.comms.segments import SegmentPreview, segment_preview

PREVIEW_LIMIT = 20  # names shown under the count


@admin.register(Segment)
class SegmentAdmin(ServiceWrites, OwnConstituencyInitialMixin, ScopedAdmin):
    create_service = staticmethod(comms_services.segment_create)
    form = SegmentForm
    list_display = ("name", "constituency", "reason", "updated")
    list_filter = ("constituency",)
    search_fields = ("name", "reason")
    list_select_related = ("constituency",)
    readonly_fields = ("created_by", "created", "updated")

    class Media:
        # htmx itself is loaded by the change form's template, after the meta tag
        # that keeps it within the Content-Security-Policy.
        js = ("js/comms-admin.js",)
        css = {"all": ("css/comms-admin.css",)}

    def _can_edit(self, request: HttpRequest, obj: Segment | None) -> bool:
        if obj is None:
            return self.has_add_permission(request)
        return self.has_change_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets: list[tuple[Any, dict[str, Any]]] = [
            (None, {"fields": ("name", "constituency", "reason")})
        ]
        if self._can_edit(request, obj):
            roles, filters = criteria_by_kind()
            fieldsets += [
                (
                    gettext_lazy("Who is in it: any of these reasons"),
                    {
                        "fields": roles,
                        "description": gettext_lazy(
                            "Someone is in the segment if any one of the reasons you "
                            "tick applies to them (reasons are combined with OR). "
                            "Each person gets one email, however many reasons put "
                            "them in the segment."
                        ),
                    },
                ),
                (
                    gettext_lazy("…and only those who match all of these"),
                    {
                        "fields": filters,
                        "description": gettext_lazy(
                            "Filters narrow the segment down: a person must match "
                            "every filter you set (filters are combined with AND). "
                            "With no reason ticked, the filters apply to everyone "
                            "the party knows in the constituency."
                        ),
                    },
                ),
            ]
        if obj is not None:
            fieldsets.append(
                (
                    gettext_lazy("Record"),
                    {"fields": ("created_by", "created", "updated")},
                )
            )
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The criteria fields are added by the form itself (they come from the
        # apps' registry), so the model form factory must not look for them.
        fields = kwargs.pop("fields", None)
        if fields is None:
            fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        kwargs["fields"] = [f for f in fields if not is_criterion_field(f)]
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    # --- the live count and preview --------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path(
                "preview/",
                wrap(require_POST(self.preview_view)),
                name="{}_{}_preview_new".format(*info),
            ),
            path(
                "<path:object_id>/preview/",
                wrap(self.preview_view),
                name="{}_{}_preview".format(*info),
            ),
            *super().get_urls(),
        ]

    def _preview_from_form(
        self, form: SegmentForm
    ) -> tuple[SegmentPreview | None, list[str]]:
        form.is_valid()  # fills errors and cleaned_data; a preview never saves
        errors = form.criteria_errors()
        if errors:
            return None, errors
        constituency = form.cleaned_data.get("constituency")
        if constituency is None:
            return None, [_("Choose the constituency first.")]
        values = form.criteria_values()
        if not values:
            return None, []
        return segment_preview(
            constituency=constituency, criteria_values=values, limit=PREVIEW_LIMIT
        ), []

    def _preview_of(self, segment: Segment) -> SegmentPreview:
        return segment_preview(
            constituency=segment.constituency,
            criteria_values=segment.criteria,
            limit=PREVIEW_LIMIT,
        )

    def preview_view(
        self, request: HttpRequest, object_id: str | None = None
    ) -> HttpResponse:
        """The recipients panel: GET for a saved segment, POST for the form's
        unsaved choices (validated by the same form the page uses)."""
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        if request.method == "POST":
            if not self._can_edit(request, obj):
                raise PermissionDenied
            form = self.get_form(request, obj, change=obj is not None)(
                request.POST, instance=obj
            )
            preview, errors = self._preview_from_form(form)
        elif request.method == "GET" and obj is not None:
            if not self.has_view_or_change_permission(request, obj):
                raise PermissionDenied
            preview, errors = self._preview_of(obj), []
        else:
            return HttpResponse(status=405)
        return TemplateResponse(
            request,
            "admin/comms/segment/preview.html",
            {"preview": preview, "preview_errors": errors},
        )

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        form = context["adminform"].form
        editable = self._can_edit(request, obj)
        preview, errors = None, []
        if form.is_bound:
            preview, errors = self._preview_from_form(form)
        elif obj is not None:
            preview = self._preview_of(obj)
        info = self.opts.app_label, self.opts.model_name
        context.update(
            {
                "preview": preview,
                "preview_errors": errors,
                "preview_button": PREVIEW_BUTTON,
                "preview_editable": editable,
                "preview_url": reverse(
                    "admin:{}_{}_preview".format(*info), args=[obj.pk]
                )
                if obj is not None
                else reverse("admin:{}_{}_preview_new".format(*info)),
                "criteria_rows": []
                if editable or obj is None
                else describe_criteria(obj.criteria, request.user),
            }
        )
        return super().render_change_form(request, context, add, change, form_url, obj)
