"""Requests about people's data, erasure reviews, and merges of duplicates, for the
officers of each constituency (scoped like every admin page)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partyhub.actors import actor_of
from partyhub.admin_base import ReadOnlyAdmin, ScopedAdmin
from partyhub.errors import message_of
from partyhub.forms import SingleLineMixin
from partyhub.personal_data import duplicates, services
from partyhub.personal_data.models import (
    DataRequest,
    MergeRecord,
    Suppression,
    add_months,
    email_hash,
)
from partyhub.scoping import get_scoped_object_or_404
from partyhub.updates import form_changes, stored


class DataRequestForm(SingleLineMixin, forms.ModelForm):
    class Meta:
        model = DataRequest
        fields = (
            "kind",
            "person",
            "received_on",
            "received_how",
            "reason",
            "status",
            "extended_to",
            "extension_reason",
            "notes",
        )

    def clean_status(self):
        status = self.cleaned_data.get("status")
        if self.instance.pk is None:
            return DataRequest.Status.OPEN
        if status == self.instance.status:
            return status
        if status == DataRequest.Status.APPROVED:
            raise forms.ValidationError(
                _("Approve an erasure with “Review and approve the erasure”.")
            )
        if (
            self.instance.kind == DataRequest.Kind.ERASURE
            and status == DataRequest.Status.DONE
        ):
            raise forms.ValidationError(
                _(
                    "An erasure is done when it has been carried out: use “Review "
                    "and approve the erasure”."
                )
            )
        return status

    def clean_received_on(self):
        day = self.cleaned_data.get("received_on")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("A request cannot arrive in the future."))
        return day

    def clean(self):
        data = super().clean()
        until = data.get("extended_to")
        if self.instance.pk and until and until != self.instance.extended_to:
            if not (data.get("extension_reason") or "").strip():
                self.add_error(
                    "extension_reason", _("Say why the request needs longer.")
                )
            elif until <= self.instance.deadline:
                self.add_error(
                    "extended_to", _("The new date must be after the first deadline.")
                )
            elif until > add_months(self.instance.deadline, 2):
                self.add_error(
                    "extended_to",
                    _("A request can be extended by two months at most."),
                )
        return data


@admin.register(DataRequest)
class DataRequestAdmin(ScopedAdmin):
    """Subject access and erasure requests: logged with their deadline, answered
    from the register, every step audited."""

    form = DataRequestForm
    list_display = (
        "person",
        "kind",
        "received_on",
        "due",
        "status",
        "constituency",
    )
    list_filter = ("kind", "status", "constituency")
    search_fields = ("person__first_name", "person__last_name", "person__email")
    list_select_related = ("person", "constituency")
    date_hierarchy = "received_on"
    autocomplete_fields = ("person",)
    actions = ("export_everything",)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return (
                (
                    _("The request"),
                    {
                        "fields": (
                            "kind",
                            "person",
                            "received_on",
                            "received_how",
                            "reason",
                        ),
                        "description": _(
                            "For a request made by letter, email or phone. It is due "
                            "one calendar month after it was received; the person "
                            "is emailed that it arrived."
                        ),
                    },
                ),
            )
        return (
            (
                _("The request"),
                {
                    "fields": (
                        "kind",
                        "person",
                        "constituency",
                        "received_on",
                        "received_how",
                        "reason",
                        "deadline",
                        "next_step",
                    )
                },
            ),
            (
                _("Handling"),
                {"fields": ("status", "notes", "handled_by", "handled_at")},
            ),
            (
                _("More time (up to two more months, with the reason told)"),
                {"fields": ("extended_to", "extension_reason")},
            ),
            (_("What was done"), {"fields": ("kept", "done", "completed_at")}),
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (
            "kind",
            "person",
            "constituency",
            "received_on",
            "received_how",
            "reason",
            "deadline",
            "next_step",
            "handled_by",
            "handled_at",
            "kept",
            "done",
            "completed_at",
        )

    @admin.display(description=_("due by"), ordering="deadline")
    def due(self, obj: DataRequest):
        if obj.is_open and obj.due_by < timezone.localdate():
            return format_html("<strong>{} ({})</strong>", obj.due_by, _("overdue"))
        return obj.due_by

    @admin.display(description=_("next step"))
    def next_step(self, obj: DataRequest):
        if not obj.is_open:
            return "—"
        if obj.kind == DataRequest.Kind.ERASURE:
            if obj.status == DataRequest.Status.APPROVED:
                return _("Approved: the erasure is being carried out.")
            return format_html(
                '<a class="button" href="{}">{}</a>',
                reverse("admin:personal_data_datarequest_erasure", args=[obj.pk]),
                _("Review and approve the erasure"),
            )
        return format_html(
            '<a class="button" href="{}">{}</a> {}',
            reverse("admin:personal_data_datarequest_export", args=[obj.pk]),
            _("Export everything we hold"),
            _("then send it to the person and mark the request done."),
        )

    @admin.display(description=_("kept, with reasons"))
    def kept(self, obj: DataRequest):
        if not obj.keep:
            return "—"
        return format_html_join(
            "", "<div>{}: {}</div>", ((label, why) for label, why in obj.keep.items())
        )

    @admin.display(description=_("what was done"))
    def done(self, obj: DataRequest):
        if not obj.outcome:
            return "—"
        return format_html_join(
            "",
            "<div>{} — {} ({}) {}</div>",
            (
                (
                    item.get("describe", item.get("model", "")),
                    item.get("action", ""),
                    item.get("rows", item.get("at", "")),
                    item.get("reason", ""),
                )
                for item in obj.outcome
            ),
        )

    def has_delete_permission(self, request, obj=None):
        return False  # a request is evidence of what the party did

    def save_model(
        self, request: HttpRequest, obj: DataRequest, form: Any, change: bool
    ) -> None:
        if not change:
            services.data_request_add(instance=obj, actor=actor_of(request))
            return
        services.data_request_update(
            instance=stored(obj), changes=form_changes(form), actor=actor_of(request)
        )

    # --- subject access ------------------------------------------------------------

    @admin.action(description=_("Export everything we hold"))
    def export_everything(self, request: HttpRequest, queryset):
        chosen = list(queryset.filter(kind=DataRequest.Kind.ACCESS)[:2])
        if len(chosen) != 1:
            self.message_user(
                request,
                gettext("Choose one request for a copy of a person's data."),
                messages.ERROR,
            )
            return None
        return self._export_response(request, chosen[0])

    def _export_response(self, request: HttpRequest, obj: DataRequest) -> HttpResponse:
        content = services.subject_access_export(request=obj, actor=actor_of(request))
        response = HttpResponse(content, content_type="application/zip")
        name = f"data-{obj.person_id}-{timezone.localdate():%Y-%m-%d}.zip"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response

    def export_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self._request_or_404(request, pk)
        if obj.kind != DataRequest.Kind.ACCESS:
            raise PermissionDenied
        return self._export_response(request, obj)

    # --- erasure review ------------------------------------------------------------

    def _request_or_404(self, request: HttpRequest, pk: int) -> DataRequest:
        if not self.has_change_permission(request):
            raise PermissionDenied
        return get_scoped_object_or_404(
            DataRequest.objects.select_related("person"), request.user, pk=pk
        )

    def erasure_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self._request_or_404(request, pk)
        if obj.kind != DataRequest.Kind.ERASURE:
            raise PermissionDenied
        preview = services.erasure_preview(obj.person)
        errors: dict[str, str] = {}
        if request.method == "POST" and obj.status == DataRequest.Status.OPEN:
            keep = {}
            for row in preview:
                if request.POST.get(f"keep-{row['model']}"):
                    reason = request.POST.get(f"reason-{row['model']}", "").strip()
                    if not reason:
                        errors[row["model"]] = gettext(
                            "Give the reason for keeping these records."
                        )
                    keep[row["model"]] = reason
            if not errors:
                try:
                    services.erasure_approve(
                        request=obj, keep=keep, actor=actor_of(request)
                    )
                except services.DataRequestError as exc:
                    self.message_user(request, message_of(exc), messages.ERROR)
                else:
                    self.message_user(
                        request,
                        gettext(
                            "Approved. The erasure is being carried out; this request "
                            "will show what was done."
                        ),
                    )
                    return HttpResponseRedirect(
                        reverse("admin:personal_data_datarequest_change", args=[pk])
                    )
        for row in preview:
            row["error"] = errors.get(row["model"], "")
            row["checked"] = bool(request.POST.get(f"keep-{row['model']}"))
            row["reason"] = request.POST.get(f"reason-{row['model']}", "")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Review the erasure of %(person)s")
            % {"person": obj.person},
            "data_request": obj,
            "preview": preview,
            "can_approve": obj.status == DataRequest.Status.OPEN,
        }
        return TemplateResponse(
            request, "admin/personal_data/erasure_review.html", context
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/erasure/",
                wrap(self.erasure_view),
                name="personal_data_datarequest_erasure",
            ),
            path(
                "<int:pk>/export/",
                wrap(self.export_view),
                name="personal_data_datarequest_export",
            ),
            *super().get_urls(),
        ]


@admin.register(MergeRecord)
class MergeRecordAdmin(ReadOnlyAdmin):
    """Merges of duplicate records; the likely duplicates and the merge screen."""

    list_display = ("survivor", "merged_person_id", "at", "actor", "constituency")
    list_filter = ("constituency",)
    list_select_related = ("survivor", "constituency", "actor")
    search_fields = ("survivor__first_name", "survivor__last_name")
    fields = (
        "survivor",
        "merged_person_id",
        "merged",
        "chosen",
        "moved",
        "conflicts",
        "actor",
        "at",
        "constituency",
    )
    readonly_fields = fields

    def _can_merge(self, request: HttpRequest) -> bool:
        return request.user.has_perm("personal_data.add_mergerecord")

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_merge": self._can_merge(request)}
        return super().changelist_view(request, extra_context)

    def duplicates_view(self, request: HttpRequest) -> HttpResponse:
        if not self._can_merge(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Likely duplicates"),
            "pairs": duplicates.likely_duplicates(request.user),
        }
        return TemplateResponse(request, "admin/personal_data/duplicates.html", context)

    def merge_view(self, request: HttpRequest, keep: int, other: int) -> HttpResponse:
        if not self._can_merge(request):
            raise PermissionDenied
        person_model = duplicates.person_model()
        survivor = get_scoped_object_or_404(
            person_model.objects.all(), request.user, pk=keep
        )
        merged = get_scoped_object_or_404(
            person_model.objects.all(), request.user, pk=other
        )
        if survivor.pk == merged.pk:
            raise PermissionDenied
        rows = duplicates.side_by_side(survivor, merged)
        if request.method == "POST":
            take = [
                row["name"]
                for row in rows
                if request.POST.get(f"field-{row['name']}") == "other"
            ]
            try:
                record = services.person_merge(
                    survivor=survivor, merged=merged, take=take, actor=actor_of(request)
                )
            except services.DataRequestError as exc:
                self.message_user(request, message_of(exc), messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("Merged: %(n)s records moved to %(person)s.")
                    % {
                        "n": sum(item["rows"] for item in record.moved),
                        "person": survivor,
                    },
                )
                return HttpResponseRedirect(
                    reverse("admin:personal_data_mergerecord_change", args=[record.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Merge two records of one person"),
            "survivor": survivor,
            "merged": merged,
            "rows": rows,
            "counts": duplicates.row_counts(survivor, merged),
        }
        return TemplateResponse(request, "admin/personal_data/merge.html", context)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "duplicates/",
                wrap(self.duplicates_view),
                name="personal_data_mergerecord_duplicates",
            ),
            path(
                "merge/<int:keep>/<int:other>/",
                wrap(self.merge_view),
                name="personal_data_mergerecord_merge",
            ),
            *super().get_urls(),
        ]


@admin.register(Suppression)
class SuppressionAdmin(ScopedAdmin):
    """Addresses of people erased at their request, kept as a hash. An officer who
    has asked the person may remove the entry, so a later import adds them back."""

    list_display = ("__str__", "created", "request", "constituency")
    list_filter = ("constituency",)
    list_select_related = ("request", "constituency")
    search_fields = ("email_hash",)
    search_help_text = _("Type a whole email address to find its entry.")
    fields = ("email_hash", "created", "request", "constituency")
    readonly_fields = fields

    def get_search_results(self, request, queryset, search_term):
        if "@" in search_term:
            return queryset.filter(email_hash=email_hash(search_term)), False
        return super().get_search_results(request, queryset, search_term)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj) -> None:
        services.suppression_remove(instance=obj, actor=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            services.suppression_remove(instance=obj, actor=actor_of(request))
