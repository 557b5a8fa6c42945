from django.contrib import admin
from django.contrib.contenttypes.models import ContentType

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

    def get_queryset(self, request):
        """Beyond the officer's constituencies, entries about a kind of record the
        officer may not view (a candidacy, for a treasurer) are not shown: the
        entry names the record."""
        queryset = super().get_queryset(request)
        user = request.user
        if user.is_superuser:
            return queryset
        hidden = [
            ct.pk
            for ct in ContentType.objects.all()
            if not user.has_perm(f"{ct.app_label}.view_{ct.model}")
        ]
        return queryset.exclude(content_type_id__in=hidden)
