"""The base classes every app's admin uses: scoped to the officer's constituencies."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError

from partyhub.scoping import ScopedAdminMixin, constituency_ids

__all__ = [
    "OwnConstituencyInitialMixin",
    "ReadOnlyAdmin",
    "ScopedAdmin",
    "ScopedInline",
    "error_text",
]


class ScopedAdmin(ScopedAdminMixin, admin.ModelAdmin):
    pass


class ScopedInline(ScopedAdminMixin, admin.TabularInline):
    extra = 0


class OwnConstituencyInitialMixin:
    """An officer of one constituency finds it already chosen on a new record."""

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        ids = constituency_ids(request.user)
        if "constituency" not in initial and ids is not None and len(ids) == 1:
            initial["constituency"] = next(iter(ids))
        return initial


class ReadOnlyAdmin(ScopedAdmin):
    """Records the system writes: officers read them, nobody edits them here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)
