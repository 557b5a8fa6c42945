"""The base classes every app's admin uses: scoped to the officer's constituencies."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models

from partyhub.scoping import ScopedAdminMixin

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

    def __init__(self, parent_model, admin_site):
        super().__init__(parent_model, admin_site)
        # An inline over a many-to-many's own table (a team's leads) labels each
        # row with the row's name: never "Team_leads object (1)".
        if self.model._meta.auto_created and self.model.__str__ is models.Model.__str__:
            self.model.__str__ = _link_row_str


def _link_row_str(row: models.Model) -> str:
    return " – ".join(
        str(getattr(row, f.name)) for f in row._meta.fields if f.many_to_one
    )


class OwnConstituencyInitialMixin:
    """Kept for the admins that name it: ScopedAdminMixin now starts every new
    record in the officer's only constituency, for any constituency field."""


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
