"""Transfers between constituencies: the receiving CLP's officers decide."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from members.models import Transfer
from members.transfers import (
    TransferError,
    may_decide,
    transfer_accept,
    transfer_decline,
)
from partyhub.actors import actor_of
from partyhub.admin_base import ScopedAdmin
from partyhub.errors import message_of
from partyhub.scoping import constituency_ids


@admin.register(Transfer)
class TransferAdmin(ScopedAdmin):
    list_display = (
        "person",
        "from_constituency",
        "to_constituency",
        "to_ward",
        "postcode",
        "status",
        "source",
        "requested",
    )
    list_filter = ("status", "source")
    list_select_related = ("person", "from_constituency", "to_constituency", "to_ward")
    search_fields = ("person__first_name", "person__last_name", "postcode")
    actions = ("accept_selected", "decline_selected")
    fields = list_display + ("requested_by", "decided", "decided_by")
    readonly_fields = fields

    def get_queryset(self, request):
        # The sending CLP's officers see their people's transfers too (read-only):
        # their member is waiting, with no ward, for the other CLP to decide.
        queryset = admin.ModelAdmin.get_queryset(self, request)
        ids = constituency_ids(request.user)
        if ids is None:
            return queryset
        return queryset.filter(
            Q(to_constituency__in=ids) | Q(from_constituency__in=ids)
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_decide_permission(self, request):
        return request.user.has_perm("members.change_transfer")

    def _decide(self, request, queryset, service, done_message) -> None:
        done = 0
        for transfer in queryset.select_related("person", "to_constituency"):
            if not may_decide(request.user, transfer):
                self.message_user(
                    request,
                    _(
                        "%(transfer)s: only officers of %(clp)s can decide it; "
                        "nothing was changed."
                    )
                    % {"transfer": transfer, "clp": transfer.to_constituency},
                    messages.ERROR,
                )
                continue
            try:
                service(transfer=transfer, actor=actor_of(request))
            except TransferError as exc:
                self.message_user(
                    request, f"{transfer.person}: {message_of(exc)}", messages.ERROR
                )
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(
        description=_("Accept the selected transfers (move the people here)"),
        permissions=["decide"],
    )
    def accept_selected(self, request, queryset):
        self._decide(
            request,
            queryset,
            transfer_accept,
            lambda n: (
                ngettext(
                    "%(n)d person moved to your constituency.",
                    "%(n)d people moved to your constituency.",
                    n,
                )
                % {"n": n}
            ),
        )

    @admin.action(
        description=_("Decline the selected transfers (they stay where they are)"),
        permissions=["decide"],
    )
    def decline_selected(self, request, queryset):
        self._decide(
            request,
            queryset,
            transfer_decline,
            lambda n: (
                ngettext("%(n)d transfer declined.", "%(n)d transfers declined.", n)
                % {"n": n}
            ),
        )
