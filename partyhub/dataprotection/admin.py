"""Retention runs and the schedule, the TPS list, agreements to be kept as a former
member, and the officers' policy documents, in the admin."""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from partyhub.actors import actor_of
from partyhub.admin_base import ReadOnlyAdmin, ScopedAdmin, ServiceWrites
from partyhub.audit.services import audit_log
from partyhub.dataprotection import notice, retention, tps
from partyhub.dataprotection import services as dp_services
from partyhub.dataprotection.forms import ScheduleForm, TpsUploadForm
from partyhub.dataprotection.models import (
    KeepAsFormerMember,
    RetentionRun,
    TpsUpload,
)
from partyhub.errors import message_of


def _constituencies(request: HttpRequest):
    model = apps.get_model("members", "Constituency")
    return model.objects.in_constituencies(request.user).order_by("name")


def _constituency_or_404(request: HttpRequest, pk: int):
    return get_object_or_404(_constituencies(request), pk=pk)


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    change_list_template = "admin/dataprotection/retentionrun/change_list.html"
    list_display = ("run_on", "constituency", "status", "total", "finished")
    list_filter = ("status",)
    list_select_related = ("constituency",)
    fields = ("constituency", "run_on", "status", "finished", "removed", "records")
    readonly_fields = fields

    @admin.display(description=_("removed, by kind of data"))
    def removed(self, run: RetentionRun) -> str:
        labels = {c.key: c.label for c in retention.categories()}
        if not run.counts:
            return _("Nothing was due.") if run.finished else "—"
        return format_html_join(
            "",
            "<div>{}: {}</div>",
            ((labels.get(k, k), n) for k, n in run.counts.items()),
        )

    @admin.display(description=_("records (first 500)"))
    def records(self, run: RetentionRun) -> str:
        rows = run.items.order_by("category", "model", "object_id")[:500]
        return (
            format_html_join(
                "",
                "<div>{} · {} #{} · {}</div>",
                (
                    (
                        item.category,
                        item.model,
                        item.object_id,
                        item.get_status_display(),
                    )
                    for item in rows
                ),
            )
            or "—"
        )

    @admin.display(description=_("removed"))
    def total(self, run: RetentionRun) -> int:
        return run.total

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "retention_constituencies": _constituencies(request),
        }
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "schedule/<int:constituency_id>/",
                wrap(self.schedule_view),
                name="dataprotection_schedule",
            ),
            path(
                "preview/<int:constituency_id>/",
                wrap(self.preview_view),
                name="dataprotection_preview",
            ),
            path(
                "documents/<int:constituency_id>/ropa.csv",
                wrap(self.ropa_view),
                name="dataprotection_ropa",
            ),
            path(
                "documents/<int:constituency_id>/policy.html",
                wrap(self.policy_view),
                name="dataprotection_policy",
            ),
            *super().get_urls(),
        ]

    def _page(self, request, title: str, template: str, **context) -> HttpResponse:
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": title,
                **context,
            },
        )

    def schedule_view(self, request: HttpRequest, constituency_id: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        constituency = _constituency_or_404(request, constituency_id)
        may_change = request.user.has_perm("dataprotection.change_retentionperiod")
        rows = retention.schedule(constituency)
        form = ScheduleForm(request.POST or None, rows=rows)
        if request.method == "POST":
            if not may_change:
                raise PermissionDenied
            if form.is_valid():
                changed = retention.retention_schedule_update(
                    constituency=constituency,
                    days=form.cleaned_data,
                    actor=actor_of(request),
                )
                self.message_user(
                    request,
                    _("The schedule is saved (%(n)s changed).") % {"n": len(changed)}
                    if changed
                    else _("Nothing was changed."),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(request.path)
        return self._page(
            request,
            _("Retention schedule: %(clp)s") % {"clp": constituency},
            "admin/dataprotection/schedule.html",
            constituency=constituency,
            rows=rows,
            form=form,
            may_change=may_change,
        )

    def preview_view(self, request: HttpRequest, constituency_id: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        constituency = _constituency_or_404(request, constituency_id)
        at = retention.next_run_at()
        preview = retention.retention_preview(constituency=constituency, as_of=at)
        people = apps.get_model("members", "Person")
        for row in preview:
            row.people = (
                list(people._base_manager.filter(pk__in=row.ids[:200]).order_by("pk"))
                if row.model == "members.Person"
                else []
            )
        return self._page(
            request,
            _("What the next run would remove: %(clp)s") % {"clp": constituency},
            "admin/dataprotection/preview.html",
            constituency=constituency,
            preview=preview,
            at=at,
        )

    def _document(self, request, constituency_id: int, kind: str):
        if not self.has_view_permission(request):
            raise PermissionDenied
        constituency = _constituency_or_404(request, constituency_id)
        audit_log(
            actor=actor_of(request),
            action=f"privacy.{kind}_download",
            obj=constituency,
            constituency_id=constituency.pk,
        )
        return constituency

    def ropa_view(self, request: HttpRequest, constituency_id: int):
        constituency = self._document(request, constituency_id, "ropa")
        response = HttpResponse(
            notice.ropa_csv(constituency), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="record-of-processing-{constituency.slug}.csv"'
        )
        return response

    def policy_view(self, request: HttpRequest, constituency_id: int):
        constituency = self._document(request, constituency_id, "policy")
        response = HttpResponse(
            render_to_string(
                "dataprotection/policy_document.html",
                notice.policy_context(constituency),
            ),
            content_type="text/html; charset=utf-8",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="appropriate-policy-{constituency.slug}.html"'
        )
        return response


@admin.register(TpsUpload)
class TpsUploadAdmin(ScopedAdmin):
    list_display = ("uploaded_at", "constituency", "numbers", "rejected", "file_name")
    list_select_related = ("constituency",)
    fields = (
        "constituency",
        "file_name",
        "numbers",
        "rejected",
        "removed_from_call_lists",
        "uploaded_at",
        "uploaded_by",
        "sha256",
    )
    readonly_fields = fields

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request: HttpRequest, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = TpsUploadForm(
            request.POST or None,
            request.FILES or None,
            constituencies=_constituencies(request),
        )
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > tps.MAX_UPLOAD_BYTES:
                form.add_error(
                    "file",
                    _("The file is larger than %(mb)s MB: upload your area's numbers.")
                    % {"mb": tps.MAX_UPLOAD_BYTES // (1024 * 1024)},
                )
            else:
                try:
                    done = tps.tps_list_upload(
                        constituency=form.cleaned_data["constituency"],
                        data=upload.read(),
                        file_name=upload.name,
                        actor=actor_of(request),
                    )
                except tps.TpsFileError as exc:
                    form.add_error("file", message_of(exc))
                else:
                    self.message_user(
                        request,
                        _(
                            "The TPS list now has %(n)s numbers; %(bad)s lines were "
                            "not numbers; %(off)s numbers were taken off open call "
                            "lists."
                        )
                        % {
                            "n": done.numbers,
                            "bad": done.rejected,
                            "off": done.removed_from_call_lists,
                        },
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(
                        reverse("admin:dataprotection_tpsupload_changelist")
                    )
        return TemplateResponse(
            request,
            "admin/dataprotection/tps_upload.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Upload the TPS list"),
                "form": form,
                "has_view_permission": True,
            },
        )


@admin.register(KeepAsFormerMember)
class KeepAsFormerMemberAdmin(ServiceWrites, ScopedAdmin):
    create_service = staticmethod(dp_services.keep_as_former_member_create)
    list_display = ("person", "agreed_on", "how")
    search_fields = ("person__first_name", "person__last_name")
    autocomplete_fields = ("person",)
    fields = ("person", "agreed_on", "how")
