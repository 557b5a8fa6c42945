"""Admin pages for the national list import and the postcode-to-ward upload."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from members.admin import PostcodeAdmin
from members.imports.reading import check_upload_start, max_bytes
from members.imports.services import (
    ImportFileError,
    import_progress,
    membership_import_apply_request,
    membership_import_upload,
)
from members.models import Constituency, ImportRun, Postcode
from members.services import (
    PostcodeFileError,
    postcodes_load,
    read_text_upload,
)
from partyhub.actors import actor_of
from partyhub.admin_base import ReadOnlyAdmin
from partyhub.forms import SingleLineMixin
from partyhub.scoping import get_scoped_object_or_404

POSTCODE_UPLOAD_MAX_BYTES = 50 * 1024 * 1024
_DEMO_FILES = {"national_export": False, "national_export_changes": True}


class _ConstituencyFileForm(SingleLineMixin, forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV file"))
    constituency = forms.ModelChoiceField(
        label=gettext_lazy("Constituency"), queryset=Constituency.objects.none()
    )

    limit = 0

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = Constituency.objects.in_constituencies(user)
        self.fields["constituency"].queryset = queryset
        if queryset.count() == 1:
            self.fields["constituency"].initial = queryset.first()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.limit:
            raise forms.ValidationError(
                _("The file is too large (the limit is %(mb)s MB).")
                % {"mb": self.limit // (1024 * 1024)}
            )
        return upload


class MemberImportForm(_ConstituencyFileForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit = max_bytes()
        self.fields["file"].help_text = _(
            "The membership export from the national register, as CSV (UTF-8 or "
            "Windows-1252), at most %(mb)s MB. Columns are recognised by their usual "
            "names: Membership number, Forename, Surname, Email address, Address1, "
            "Post code, Status, Join date, Expiry date, Branch, Ward, Phone, Mobile, "
            "Trade union."
        ) % {"mb": self.limit // (1024 * 1024)}


class PostcodeUploadForm(_ConstituencyFileForm):
    limit = POSTCODE_UPLOAD_MAX_BYTES

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "A postcode-to-ward lookup as the ONS publishes it (ONS Postcode "
            "Directory or NSPL, or an extract with its columns pcds, osward, pcon), "
            "at most %(mb)s MB. Only rows for your constituency are used."
        ) % {"mb": self.limit // (1024 * 1024)}


def _report_html(run: ImportRun) -> str:
    return render_to_string("admin/members/imports/_report.html", {"run": run})


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = (
        "created",
        "file_name",
        "constituency",
        "status",
        "rows",
        "new",
        "changed",
        "errors",
        "actor_repr",
    )
    list_filter = ("status", "constituency")
    list_select_related = ("constituency",)
    search_fields = ("file_name", "file_sha256")
    date_hierarchy = "created"
    change_list_template = "admin/members/imports/importrun_change_list.html"
    fields = (
        "constituency",
        "file_name",
        "file_sha256",
        "file_size",
        "status",
        "actor_repr",
        "created",
        "applied_at",
        "report_display",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = request.resolver_match
        if match is not None and match.url_name == "members_importrun_changelist":
            # A first import's report lists every row: the list needs only counts.
            queryset = queryset.defer("report")
        return queryset

    @admin.display(description=gettext_lazy("rows"))
    def rows(self, obj: ImportRun) -> int:
        return obj.count("rows")

    @admin.display(description=gettext_lazy("new"))
    def new(self, obj: ImportRun) -> int:
        return obj.count("new")

    @admin.display(description=gettext_lazy("changed"))
    def changed(self, obj: ImportRun) -> int:
        return obj.count("changed")

    @admin.display(description=gettext_lazy("errors"))
    def errors(self, obj: ImportRun) -> int:
        return obj.count("errors")

    @admin.display(description=gettext_lazy("report"))
    def report_display(self, obj: ImportRun) -> str:
        return _report_html(obj)

    def _can_import(self, request: HttpRequest) -> bool:
        return request.user.has_perm("members.import_members")

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("upload/", wrap(self.upload_view), name="members_importrun_upload"),
            path(
                "demo/<slug:name>/",
                wrap(self.demo_view),
                name="members_importrun_demo",
            ),
            path(
                "<int:pk>/preview/",
                wrap(self.preview_view),
                name="members_importrun_preview",
            ),
            path(
                "<int:pk>/apply/",
                wrap(require_POST(self.apply_view)),
                name="members_importrun_apply",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_import": self._can_import(request),
        }
        return super().changelist_view(request, extra_context)

    def _page(self, request: HttpRequest, title: str, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            **extra,
        }

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        if not self._can_import(request):
            raise PermissionDenied
        if request.method == "POST":
            form = MemberImportForm(request.POST, request.FILES, user=request.user)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    check_upload_start(upload)
                except ImportFileError as exc:
                    form.add_error(
                        "file", _("%(error)s Nothing was changed.") % {"error": exc}
                    )
                else:
                    # Stored as it streams in; a task reads it row by row.
                    run = membership_import_upload(
                        upload=upload,
                        file_name=upload.name,
                        constituency=form.cleaned_data["constituency"],
                        actor=actor_of(request),
                    )
                    return HttpResponseRedirect(
                        reverse("admin:members_importrun_preview", args=[run.pk])
                    )
        else:
            form = MemberImportForm(user=request.user)
        context = self._page(
            request,
            _("Import the national membership list"),
            form=form,
            demo=settings.DEBUG,
        )
        return TemplateResponse(request, "admin/members/imports/upload.html", context)

    def demo_view(self, request: HttpRequest, name: str) -> HttpResponse:
        """The demo's export files, made for today (DEBUG only)."""
        if not settings.DEBUG or name not in _DEMO_FILES:
            raise Http404
        if not self._can_import(request):
            raise PermissionDenied
        from members.demo.national_export import national_export_csv

        data = national_export_csv(timezone.localdate(), changes=_DEMO_FILES[name])
        response = HttpResponse(data, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The run's page. While a task checks or applies the file it shows the
        rows read so far; htmx polls the status part every two seconds and reloads
        the page when the task is done (no script of our own: strict CSP)."""
        if not self._can_import(request):
            raise PermissionDenied
        run = get_scoped_object_or_404(
            ImportRun.objects.select_related("constituency"), request.user, pk=pk
        )
        working = run.status == ImportRun.Status.CHECKING or (
            run.status == ImportRun.Status.PREVIEW and run.apply_requested_at
        )
        if getattr(request, "htmx", False):
            if not working:
                return HttpResponse(headers={"HX-Refresh": "true"})
            return TemplateResponse(
                request,
                "admin/members/imports/_progress.html",
                {"run": run, "progress": import_progress(run)},
            )
        context = self._page(
            request,
            _("Preview of %(file)s") % {"file": run.file_name},
            run=run,
            working=working,
            progress=import_progress(run) if working else None,
            report=_report_html(run) if not working else "",
            can_apply=run.status == ImportRun.Status.PREVIEW
            and not working
            and run.count("errors") == 0,
        )
        return TemplateResponse(request, "admin/members/imports/preview.html", context)

    def apply_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self._can_import(request):
            raise PermissionDenied
        run = get_scoped_object_or_404(
            ImportRun.objects.select_related("constituency"), request.user, pk=pk
        )
        if not membership_import_apply_request(run=run, actor=actor_of(request)):
            self.message_user(
                request,
                _("This import has already been applied or is being applied."),
                messages.ERROR,
            )
        return HttpResponseRedirect(
            reverse("admin:members_importrun_preview", args=[run.pk])
        )


# The postcode lookup's admin gains the officers' upload page.
admin.site.unregister(Postcode)


@admin.register(Postcode)
class PostcodeUploadAdmin(PostcodeAdmin):
    change_list_template = "admin/members/imports/postcode_change_list.html"

    def _can_upload(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("upload/", wrap(self.upload_view), name="members_postcode_upload"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_upload": self._can_upload(request),
        }
        return super().changelist_view(request, extra_context)

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        if not self._can_upload(request):
            raise PermissionDenied
        report = None
        if request.method == "POST":
            form = PostcodeUploadForm(request.POST, request.FILES, user=request.user)
            if form.is_valid():
                constituency = form.cleaned_data["constituency"]
                try:
                    # Read through the stored upload, not copied into memory.
                    upload = form.cleaned_data["file"]
                    with read_text_upload(upload.file) as text:
                        report = postcodes_load(
                            file=text,
                            actor=actor_of(request),
                            constituency_ids=frozenset({constituency.pk}),
                        )
                except PostcodeFileError as exc:
                    form.add_error(
                        "file", _("%(error)s Nothing was changed.") % {"error": exc}
                    )
                else:
                    if report.loaded == 0:
                        form.add_error(
                            "file",
                            _(
                                "No row of the file is for a ward of %(name)s: check "
                                "that the wards' ONS codes match this edition of the "
                                "file. Nothing was changed."
                            )
                            % {"name": constituency.name},
                        )
        else:
            form = PostcodeUploadForm(user=request.user)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Upload the postcode-to-ward lookup"),
            "form": form,
            "report": report,
        }
        return TemplateResponse(
            request, "admin/members/imports/postcode_upload.html", context
        )
