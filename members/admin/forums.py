"""Forums in the officers' admin.

A forum spanning several CLPs (a European Forum) shows to the officers of each;
its member and officer rows are scoped by the person's home constituency, so each
CLP's officers see and manage only their own people. Forum officers themselves
have no admin access from a forum office: they use the portal's forum page.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from members.models import Forum, ForumMembership, ForumOfficer
from partyhub.admin_base import (
    AppointmentAdmin,
    AppointmentInline,
    ScopedAdmin,
    ScopedInline,
)
from partyhub.scoping import constituency_ids


class ForumOfficerInline(AppointmentInline):
    model = ForumOfficer
    fields = ("person", "role", "starts", "ends", "appointed_for")
    autocomplete_fields = ("person",)


class ForumMembershipInline(ScopedInline):
    model = ForumMembership
    fields = ("person", "joined")
    autocomplete_fields = ("person",)


@admin.register(Forum)
class ForumAdmin(ScopedAdmin):
    list_display = ("name", "kind", "member_count")
    list_filter = ("kind", "constituencies")
    search_fields = ("name",)
    filter_horizontal = ("constituencies",)
    inlines = (ForumOfficerInline, ForumMembershipInline)
    fields = ("name", "kind", "description", "constituencies")

    def get_queryset(self, request):
        # Members counted are the officer's own people: another CLP's are not theirs.
        ids = constituency_ids(request.user)
        own = Q() if ids is None else Q(memberships__person__constituency__in=ids)
        return (
            super()
            .get_queryset(request)
            .annotate(_members=Count("memberships", filter=own, distinct=True))
        )

    def has_delete_permission(self, request, obj=None):
        # A forum shared with another CLP holds that CLP's members and officers
        # too: only someone who looks after every one of its constituencies may
        # delete it (a CLP leaving it takes itself off the list instead).
        if not super().has_delete_permission(request, obj):
            return False
        ids = constituency_ids(request.user)
        if obj is None or ids is None:
            return True
        return not obj.constituencies.exclude(pk__in=ids).exists()

    @admin.display(description=_("members (yours)"), ordering="_members")
    def member_count(self, obj: Forum) -> int:
        return obj._members


@admin.register(ForumMembership)
class ForumMembershipAdmin(ScopedAdmin):
    list_display = ("person", "forum", "ward", "joined")
    list_filter = ("forum", "person__constituency", "person__ward")
    search_fields = ("person__first_name", "person__last_name", "person__email")
    list_select_related = ("person", "person__ward", "forum")
    autocomplete_fields = ("person", "forum")

    @admin.display(description=_("ward"), ordering="person__ward__name")
    def ward(self, obj: ForumMembership) -> str:
        return obj.person.ward.name if obj.person.ward_id else ""


@admin.register(ForumOfficer)
class ForumOfficerAdmin(AppointmentAdmin):
    appointment_parent = "forum"
    list_display = ("person", "role", "forum", "starts", "ends", "appointed_for")
    readonly_fields = ("appointed_for",)
    list_filter = ("forum", "role")
    search_fields = ("person__first_name", "person__last_name")
    list_select_related = ("person", "forum")
    autocomplete_fields = ("person", "forum")
