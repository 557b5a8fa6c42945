"""Petitions in the admin: counts, paper signatures entered in bulk, the hand-in
export."""

from __future__ import annotations

import csv

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from campaigns.forms import PaperSignaturesForm
from campaigns.models import Petition
from campaigns.services import (
    CampaignsError,
    petition_export,
    petition_paper_signatures_add,
)
from partyhub.actors import actor_of
from partyhub.admin_base import (
    ScopedAdmin,
    public_link,
)
from partyhub.errors import message_of
from partyhub.exports import csv_cell


@admin.register(Petition)
class PetitionAdmin(ScopedAdmin):
    list_display = ("title", "constituency", "status", "signature_count", "target")
    list_select_related = ("constituency",)
    list_filter = ("status", "constituency")
    search_fields = ("title",)
    prepopulated_fields = {"slug": ("title",)}
    actions = ["export_for_hand_in"]
    readonly_fields = ("public_page", "paper_entry")

    @admin.display(description=_("public page"))
    def public_page(self, obj: Petition) -> str:
        if obj.pk is None or obj.status == Petition.Status.DRAFT:
            return _("None yet: the petition gets its public page when it is open.")
        return public_link(reverse("campaigns:petition", args=[obj.slug]))

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
                        actor=actor_of(request),
                    )
                except CampaignsError as exc:
                    form.add_error(None, message_of(exc))
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
                petition=petition, actor=actor_of(request)
            ):
                writer.writerow([csv_cell(v) for v in (petition.title, name, postcode)])
        return response
