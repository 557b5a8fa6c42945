"""The year's programme and consultation records in the admin."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events import selectors, services
from events.admin_forms import (
    ProgrammeYearForm,
)
from events.models import (
    Consultation,
    ProgrammeSlot,
)
from members.models import Constituency
from partyhub.actors import actor_of
from partyhub.admin_base import (
    OwnConstituencyInitialMixin,
    ScopedAdmin,
)
from partyhub.errors import message_of


@admin.register(ProgrammeSlot)
class ProgrammeSlotAdmin(OwnConstituencyInitialMixin, ScopedAdmin):
    list_display = ("title", "year", "month", "kind", "owner", "event")
    list_filter = ("year", "month", "kind", "constituency")
    search_fields = ("title", "owner__first_name", "owner__last_name")
    list_select_related = ("owner", "event")
    autocomplete_fields = ("owner", "event")
    fields = ("constituency", "year", "month", "kind", "title", "owner", "event",
              "notes")  # fmt: skip

    def get_urls(self):
        return [
            path(
                "year/",
                self.admin_site.admin_view(self.year_view),
                name="events_programmeslot_year",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "year_url": reverse("admin:events_programmeslot_year"),
        }
        return super().changelist_view(request, extra_context)

    def year_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        clps = Constituency.objects.in_constituencies(request.user).order_by("name")
        form = ProgrammeYearForm(
            request.GET or None,
            constituencies=clps,
            initial={"constituency": clps.first(), "year": timezone.localdate().year},
        )
        if form.is_bound and not form.is_valid():
            constituency, year = None, None
        else:
            data = form.cleaned_data if form.is_bound else {}
            constituency = data.get("constituency") or clps.first()
            year = data.get("year") or timezone.localdate().year
        months = (
            selectors.programme_year(constituency=constituency, year=year)
            if constituency is not None
            else []
        )
        return TemplateResponse(
            request,
            "admin/events/programmeslot/year.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("The year's programme"),
                "form": form,
                "constituency": constituency,
                "year": year,
                "months": months,
                "gaps": [m for m in months if not m.has_social],
                "unlinked": sum(len(m.slots_without_event) for m in months),
            },
        )


@admin.register(Consultation)
class ConsultationAdmin(ScopedAdmin):
    """What was said at a Big Conversation; the report goes to those who came."""

    list_display = ("event", "report_sent_at", "updated")
    search_fields = ("event__title", "notes", "themes")
    list_select_related = ("event",)
    autocomplete_fields = ("event",)
    fields = ("event", "notes", "themes", "report", "report_sent_at")
    readonly_fields = ("report_sent_at",)
    actions = ("send_report",)

    @admin.action(
        description=gettext_lazy("Email the report to everyone who came (once each)"),
        permissions=["change"],
    )
    def send_report(self, request, queryset):
        for consultation in queryset.select_related("event"):
            try:
                n = services.consultation_report_send(
                    consultation=consultation, actor=actor_of(request)
                )
            except services.EventsError as exc:
                self.message_user(
                    request, f"{consultation}: {message_of(exc)}", messages.ERROR
                )
            else:
                self.message_user(
                    request,
                    _("%(event)s: the report goes to %(n)d people.")
                    % {"event": consultation.event, "n": n},
                )
