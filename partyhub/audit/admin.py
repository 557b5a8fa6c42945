from django.contrib import admin

from partyhub.audit.models import AuditEntry
from partyhub.scoping import ScopedAdminMixin


@admin.register(AuditEntry)
class AuditEntryAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Read-only: officers read their constituencies' entries; nobody edits them."""

    list_display = (
        "at",
        "actor_repr",
        "action",
        "object_repr",
        "row_count",
        "constituency",
    )
    list_filter = ("action", "constituency")
    search_fields = ("actor_repr", "action", "object_repr")
    list_select_related = ("constituency",)
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
