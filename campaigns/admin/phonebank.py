"""Call lists in the admin: built from a segment, progress by outcome."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from campaigns import services
from campaigns.models import (
    CallList,
    CallOutcome,
)
from campaigns.services import (
    CampaignsError,
    call_list_build,
    call_list_progress,
)
from partyhub.actors import actor_of
from partyhub.admin_base import (
    ScopedAdmin,
    ServiceWrites,
)
from partyhub.errors import message_of


@admin.register(CallList)
class CallListAdmin(ServiceWrites, ScopedAdmin):
    create_service = staticmethod(services.call_list_create)
    list_display = (
        "name",
        "constituency",
        "status",
        "total",
        "to_call",
        "answered",
        "no_answer",
        "wrong_number",
        "do_not_call",
    )
    list_select_related = ("constituency",)
    list_filter = ("status", "constituency")
    search_fields = ("name",)
    readonly_fields = ("built_at", "progress")
    actions = ["build"]
    fieldsets = (
        (None, {"fields": ("name", "constituency", "campaign", "status")}),
        (_("Who to call"), {"fields": ("segment", "built_at", "progress")}),
        (_("Callers"), {"fields": ("script", "reservation_minutes")}),
    )

    def get_queryset(self, request):
        # Progress for every list in one query: counts by outcome are annotated.
        counts = {
            outcome: Count("entries", filter=Q(entries__outcome=outcome))
            for outcome in CallOutcome.values
        }
        return (
            super()
            .get_queryset(request)
            .annotate(
                _total=Count("entries"),
                _to_call=Count("entries", filter=Q(entries__outcome="")),
                **{f"_{k}": v for k, v in counts.items()},
            )
        )

    @admin.display(description=_("people"), ordering="_total")
    def total(self, obj: CallList) -> int:
        return obj._total

    @admin.display(description=_("to call"), ordering="_to_call")
    def to_call(self, obj: CallList) -> int:
        return obj._to_call

    @admin.display(description=CallOutcome.ANSWERED.label, ordering="_answered")
    def answered(self, obj: CallList) -> int:
        return obj._answered

    @admin.display(description=CallOutcome.NO_ANSWER.label, ordering="_no_answer")
    def no_answer(self, obj: CallList) -> int:
        return obj._no_answer

    @admin.display(description=CallOutcome.WRONG_NUMBER.label, ordering="_wrong_number")
    def wrong_number(self, obj: CallList) -> int:
        return obj._wrong_number

    @admin.display(description=CallOutcome.DO_NOT_CALL.label, ordering="_do_not_call")
    def do_not_call(self, obj: CallList) -> int:
        return obj._do_not_call

    @admin.display(description=_("progress"))
    def progress(self, obj: CallList) -> str:
        if obj.pk is None:
            return "—"
        counts = call_list_progress(obj)
        rows = [(_("People on the list"), counts["total"])]
        rows += [(_("Still to call"), counts["to_call"])]
        rows += [(_("Held by callers now"), counts["held"])]
        rows += [(label, counts[value]) for value, label in CallOutcome.choices]
        return format_html(
            "<dl>{}</dl>",
            format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows),
        )

    @admin.action(
        description=_("Build the list from its segment (adds newcomers only)"),
        permissions=["change"],
    )
    def build(self, request: HttpRequest, queryset) -> None:
        for call_list in queryset.select_related("segment", "constituency"):
            try:
                added = call_list_build(call_list=call_list, actor=actor_of(request))
            except CampaignsError as exc:
                self.message_user(
                    request, f"{call_list}: {message_of(exc)}", messages.ERROR
                )
            else:
                self.message_user(
                    request,
                    _("%(list)s: %(n)s people added.")
                    % {"list": call_list, "n": added},
                    messages.SUCCESS,
                )
