"""The base classes every app's admin uses: scoped to the officer's constituencies."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError

from partyhub.scoping import ScopedAdminMixin, constituency_ids, stamp_appointment

__all__ = [
    "AppointmentAdmin",
    "AppointmentInline",
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


def _spans(parent) -> list[int]:
    return list(parent.constituencies.values_list("pk", flat=True))


class AppointmentInline(ScopedInline):
    """Role rows (forum officers, team leads, network co-ordinators) on their
    forum, team or network: a new row, or one given to another person, records
    who appointed the holder and for which constituency."""

    readonly_fields = ("appointed_for",)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        actor = request.user

        class StampingFormSet(formset):
            def save_new(self, form, commit=True):
                setattr(form.instance, self.fk.name, self.instance)
                stamp_appointment(
                    form.instance, actor=actor, spans=_spans(self.instance)
                )
                return super().save_new(form, commit=commit)

            def save_existing(self, form, obj, commit=True):
                if "person" in form.changed_data:
                    stamp_appointment(obj, actor=actor, spans=_spans(self.instance))
                return super().save_existing(form, obj, commit=commit)

        return StampingFormSet


class AppointmentAdmin(ScopedAdmin):
    """A role row's own admin page: `appointment_parent` names its forum, team or
    network field."""

    appointment_parent = ""

    def save_model(self, request, obj, form, change):
        if not change or {"person", self.appointment_parent} & set(form.changed_data):
            parent = getattr(obj, self.appointment_parent)
            stamp_appointment(obj, actor=request.user, spans=_spans(parent))
        super().save_model(request, obj, form, change)


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
