from django.contrib import admin

from partyhub.admin_base import ReadOnlyAdmin
from partyhub.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
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
