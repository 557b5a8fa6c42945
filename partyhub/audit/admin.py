from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

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
        "where",
    )
    list_filter = ("action", "constituency")
    search_fields = ("actor_repr", "action", "object_repr")
    list_select_related = ("constituency",)
    readonly_fields = [*(f.name for f in AuditEntry._meta.fields), "where"]
    exclude = ("constituencies",)

    @admin.display(description=_("constituencies"))
    def where(self, obj: AuditEntry) -> str:
        # A shared record's entry names every CLP it spans.
        names = sorted(c.name for c in obj.constituencies.all())
        if names:
            return ", ".join(names)
        return obj.constituency.name if obj.constituency_id else "—"

    def get_queryset(self, request):
        """Beyond the officer's constituencies, entries about a kind of record the
        officer may not view (a candidacy, for a treasurer) are not shown: the
        entry names the record."""
        queryset = super().get_queryset(request).prefetch_related("constituencies")
        user = request.user
        if user.is_superuser:
            return queryset
        hidden = [
            ct.pk
            for ct in ContentType.objects.all()
            if not user.has_perm(f"{ct.app_label}.view_{ct.model}")
        ]
        return queryset.exclude(content_type_id__in=hidden)
