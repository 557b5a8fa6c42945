"""Supporters (list, export, import, conversion), kinds of help, unconfirmed signups."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from members.models import Constituency
from members.search import search_people
from partyhub.actors import actor_of
from partyhub.admin_base import (
    OwnConstituencyInitialMixin,
    ReadOnlyAdmin,
    ScopedAdmin,
)
from partyhub.errors import message_of
from partyhub.exports import ExportPermissionMixin, csv_export_action
from partyhub.forms import SingleLineMixin
from partyhub.scoping import constituency_ids, get_scoped_object_or_404
from supporters.admin.base import OfferListFilter, OffersMixin, offer_slugs
from supporters.models import (
    HelpOffer,
    SignupRequest,
    Supporter,
    SupporterImport,
)
from supporters.services import (
    IMPORT_MAX_BYTES,
    SupportersError,
    conversion_stats,
    help_offers_for,
)
from supporters.services.import_runs import (
    import_details,
    import_progress,
    supporters_import_apply_request,
    supporters_import_upload,
)


@admin.register(Supporter)
class SupporterAdmin(
    OffersMixin, OwnConstituencyInitialMixin, ExportPermissionMixin, ScopedAdmin
):
    # One export right for everyone the party knows (see members/roles.py).
    export_permission = "members.export_person"
    actions = [
        csv_export_action(
            columns=[
                ("first_name", lambda s: s.person.first_name),
                ("last_name", lambda s: s.person.last_name),
                ("email", lambda s: s.person.email),
                ("phone", lambda s: s.person.phone),
                ("postcode", lambda s: s.person.postcode),
                ("ward", lambda s: s.person.ward.name if s.person.ward else ""),
                ("status", lambda s: s.status),
                ("source", lambda s: s.source),
                ("offers", offer_slugs),
                ("joined", lambda s: s.joined),
                ("left", lambda s: s.left),
            ],
            description=gettext_lazy("Export selected supporters to CSV"),
            tps_person=lambda s: s.person,
        )
    ]
    list_display = (
        "name",
        "email",
        "ward",
        "status",
        "source",
        "offer_list",
        "joined",
        "needs_review",
    )
    list_filter = (
        "status",
        "source",
        OfferListFilter,
        "person__ward",
        "needs_review",
        "joined",
    )
    search_fields = (
        "person__first_name",
        "person__last_name",
        "person__email",
        "person__postcode",
    )

    def get_search_results(self, request, queryset, search_term):
        # The people search, through the supporter's person (issue 21.3).
        return search_people(queryset, search_term, person="person__"), False

    list_select_related = ("person", "person__ward")
    autocomplete_fields = ("person",)
    readonly_fields = ("created", "updated")
    list_per_page = 50
    fieldsets = (
        (None, {"fields": ("person", "constituency", "status", "source")}),
        (gettext_lazy("Help offered"), {"fields": ("offers",)}),
        (
            gettext_lazy("Record"),
            {"fields": ("joined", "left", "needs_review", "created", "updated")},
        ),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "offers", queryset=HelpOffer.objects.only("pk", "slug", "label")
                )
            )
        )

    @admin.display(description=gettext_lazy("name"), ordering="person__last_name")
    def name(self, obj: Supporter) -> str:
        return obj.person.full_name

    @admin.display(description=gettext_lazy("email"), ordering="person__email")
    def email(self, obj: Supporter) -> str:
        return obj.person.email

    @admin.display(description=gettext_lazy("ward"), ordering="person__ward__name")
    def ward(self, obj: Supporter) -> str:
        return obj.person.ward.name if obj.person.ward else "—"

    @admin.display(description=gettext_lazy("help offered"))
    def offer_list(self, obj: Supporter) -> str:
        return ", ".join(o.label for o in obj.offers.all()) or "—"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="{}_{}_import".format(*info)),
            path(
                "import/<int:pk>/",
                wrap(require_GET(self.import_run_view)),
                name="{}_{}_import_run".format(*info),
            ),
            path(
                "import/<int:pk>/apply/",
                wrap(require_POST(self.import_apply_view)),
                name="{}_{}_import_apply".format(*info),
            ),
            path(
                "conversion/",
                wrap(require_GET(self.conversion_view)),
                name="{}_{}_conversion".format(*info),
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_import": self.has_add_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def _page(self, request: HttpRequest, title: str, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            **extra,
        }

    def conversion_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        stats = conversion_stats(constituency_ids=constituency_ids(request.user))
        context = self._page(request, _("Supporters who became members"), stats=stats)
        return TemplateResponse(
            request, "admin/supporters/supporter/conversion.html", context
        )

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """The upload form. The file is stored as it streams in and a task reads
        it (issue 20, finding 6): the page goes on to the run's own page."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            form = SupporterImportForm(request.POST, request.FILES, user=request.user)
            if form.is_valid():
                upload = form.cleaned_data.get("file")
                if upload is None:
                    form.add_error("file", _("Choose the CSV file to import."))
                else:
                    try:
                        run = supporters_import_upload(
                            upload=upload,
                            constituency=form.cleaned_data["constituency"],
                            actor=actor_of(request),
                            wording=form.cleaned_data["wording"],
                        )
                    except SupportersError as exc:
                        form.add_error("file", message_of(exc))
                    else:
                        return HttpResponseRedirect(
                            reverse(
                                "admin:supporters_supporter_import_run", args=[run.pk]
                            )
                        )
        else:
            form = SupporterImportForm(user=request.user)
        context = self._page(
            request,
            _("Import supporters"),
            form=form,
            max_mb=IMPORT_MAX_BYTES // (1024 * 1024),
        )
        return TemplateResponse(
            request, "admin/supporters/supporter/import.html", context
        )

    def import_run_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The run's page: progress while a task checks or applies the file (htmx
        polls the status part and reloads the page when it is done; no script of
        our own), then the preview, or what was imported."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        run = get_scoped_object_or_404(
            SupporterImport.objects.select_related("constituency"),
            request.user,
            pk=pk,
        )
        working = run.status == SupporterImport.Status.CHECKING or (
            run.status == SupporterImport.Status.PREVIEW
            and run.apply_requested_at is not None
        )
        if getattr(request, "htmx", False):
            if not working:
                return HttpResponse(headers={"HX-Refresh": "true"})
            return TemplateResponse(
                request,
                "admin/supporters/supporter/_import_progress.html",
                {"run": run, "progress": import_progress(run)},
            )
        counts = run.counts or {}
        context = self._page(
            request,
            _("Import of %(file)s") % {"file": run.file_name},
            run=run,
            working=working,
            progress=import_progress(run) if working else None,
            details=None if working else import_details(run),
            counts=counts,
            row_count=counts.get("new", 0) + counts.get("updated", 0),
            can_apply=run.status == SupporterImport.Status.PREVIEW
            and not working
            and counts.get("errors", 0) == 0,
        )
        return TemplateResponse(
            request, "admin/supporters/supporter/import_run.html", context
        )

    def import_apply_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        run = get_scoped_object_or_404(SupporterImport.objects, request.user, pk=pk)
        if not supporters_import_apply_request(run=run, actor=actor_of(request)):
            self.message_user(
                request,
                _(
                    "This import has already been applied, is being applied or has errors."
                ),
                messages.ERROR,
            )
        return HttpResponseRedirect(
            reverse("admin:supporters_supporter_import_run", args=[run.pk])
        )


class SupporterImportForm(SingleLineMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        required=False,
        help_text=gettext_lazy(
            "Columns: first_name, last_name, email, postcode, phone, offers (short "
            "names separated by ;), email_consent, phone_consent, text_consent, "
            "post_consent (yes or no; blank means no consent) and, if it varies, "
            "consent_wording."
        ),
    )
    constituency = forms.ModelChoiceField(
        label=gettext_lazy("Constituency"), queryset=Constituency.objects.none()
    )
    wording = forms.CharField(
        label=gettext_lazy("Consent wording shown"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "The words people agreed to when their consent was collected, for rows "
            "without a consent_wording column."
        ),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = Constituency.objects.in_constituencies(user)
        self.fields["constituency"].queryset = queryset
        if queryset.count() == 1:
            self.fields["constituency"].initial = queryset.first()


@admin.register(HelpOffer)
class HelpOfferAdmin(ScopedAdmin):
    list_display = ("label", "slug", "where", "active", "order")
    list_filter = ("active",)
    search_fields = ("label", "slug")
    list_select_related = ("constituency",)
    prepopulated_fields = {"slug": ("label",)}
    fields = ("constituency", "label", "slug", "active", "order")

    def get_queryset(self, request):
        # The party-wide offers (no CLP) are visible to every officer; the
        # scoping mixin would hide them.
        queryset = admin.ModelAdmin.get_queryset(self, request)
        return queryset.filter(
            pk__in=help_offers_for(constituency_ids(request.user)).values("pk")
        )

    @admin.display(description=gettext_lazy("constituency"))
    def where(self, obj: HelpOffer) -> str:
        return obj.constituency.name if obj.constituency else _("Every constituency")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "constituency" and not request.user.is_superuser:
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _own(self, request, obj) -> bool:
        # Party-wide offers are on every CLP's form: only a regional organiser
        # edits them.
        return (
            obj is None or obj.constituency_id is not None or request.user.is_superuser
        )

    def has_change_permission(self, request, obj=None):
        return self._own(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._own(request, obj) and super().has_delete_permission(request, obj)


@admin.register(SignupRequest)
class SignupRequestAdmin(ReadOnlyAdmin):
    """Signups waiting for their email to be confirmed: officers look, nobody edits."""

    list_display = (
        "email",
        "kind",
        "constituency",
        "created",
        "confirmation_sent_at",
        "confirmed_at",
    )
    list_filter = ("kind", ("confirmed_at", admin.EmptyFieldListFilter), "created")
    search_fields = ("email",)
    list_select_related = ("constituency",)
    readonly_fields = (
        "email",
        "kind",
        "constituency",
        "data",
        "created",
        "confirmation_sent_at",
        "confirmed_at",
    )
