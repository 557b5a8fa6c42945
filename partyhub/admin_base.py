"""The base classes every app's admin uses: scoped to the officer's constituencies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.utils.functional import cached_property
from django.utils.text import capfirst

from partyhub import appointment_services
from partyhub.actors import actor_of
from partyhub.scoping import ScopedAdminMixin, stamp_appointment
from partyhub.updates import form_changes, stored

__all__ = [
    "AppointmentAdmin",
    "AppointmentInline",
    "CappedCountPaginator",
    "OwnConstituencyInitialMixin",
    "ReadOnlyAdmin",
    "ScopedAdmin",
    "ScopedInline",
    "ServiceWrites",
    "formset_through_services",
    "show_notes",
]


if TYPE_CHECKING:
    _Paginator = Paginator[Any]
else:
    _Paginator = Paginator


class CappedCountPaginator(_Paginator):
    """Counts a list only up to `cap` rows (issue 21.2): a LIMITed subquery stops
    at cap + 1 rows, so a regional list of 1.5 million people costs what one of
    10,001 does. Below the cap the count is exact; above it the list says "more
    than 10,000" (templates/admin/pagination.html) and the officer narrows it
    with a search or a filter, or asks for the exact count with the link beside
    it (`?_count=exact`, one full count for that page only)."""

    cap = 10_000
    exact = False

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, models.QuerySet) and not self.exact:
            # Unordered: the order of the rows does not change how many there
            # are, and sorting up to 10,001 of them first costs more than
            # counting them.
            return self.object_list.order_by()[: self.cap + 1].count()
        return super().count

    @property
    def capped(self) -> bool:
        return not self.exact and self.count > self.cap


EXACT_COUNT_VAR = "_count"


class ScopedAdmin(ScopedAdminMixin, admin.ModelAdmin):
    # No list pays for a full-table COUNT(*) (issue 21.2): the filtered count is
    # capped, and the unfiltered total beside a search is not counted at all.
    paginator = CappedCountPaginator
    show_full_result_count = False
    # The words after the count under a list ("9 members"); the model's own
    # names when not set (templates/admin/pagination.html).
    count_one: str | None = None
    count_many: str | None = None

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # "Count exactly": taken off the query before the changelist sees it
        # (it would take it for a filter), remembered for get_paginator.
        if request.GET.get(EXACT_COUNT_VAR) == "exact":
            query = request.GET.copy()
            del query[EXACT_COUNT_VAR]
            # django-stubs types GET as immutable; Django lets a view replace it.
            request.GET = query  # type: ignore[assignment]
            request.exact_count = True  # type: ignore[attr-defined]  # for get_paginator
        # A list is headed with its name ("Renewal desk"), never Django's
        # "Select renewal desk to view".
        extra_context = {
            "title": capfirst(self.model._meta.verbose_name_plural),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def get_paginator(
        self,
        request: HttpRequest,
        queryset: models.QuerySet[Any],
        per_page: int,
        *args: Any,
        **kwargs: Any,
    ) -> Paginator:
        paginator = super().get_paginator(request, queryset, per_page, *args, **kwargs)
        if getattr(request, "exact_count", False) and isinstance(
            paginator, CappedCountPaginator
        ):
            paginator.exact = True
        return paginator


class ScopedInline(ScopedAdminMixin, admin.TabularInline):
    extra = 0

    def __init__(self, parent_model: type[models.Model], admin_site: Any) -> None:
        super().__init__(parent_model, admin_site)
        # An inline over a many-to-many's own table (a team's leads) labels each
        # row with the row's name: never "Team_leads object (1)".
        if self.model._meta.auto_created and self.model.__str__ is models.Model.__str__:
            self.model.__str__ = _link_row_str

    def get_formset(
        self, request: HttpRequest, obj: models.Model | None = None, **kwargs: Any
    ) -> type[_InlineFormSet]:
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (_ParentKnownFormSet, formset), {})


if TYPE_CHECKING:
    _InlineFormSet = BaseInlineFormSet[Any, Any, Any]
else:
    _InlineFormSet = BaseInlineFormSet


class _ParentKnownFormSet(_InlineFormSet):
    """Mixed in before an inline's own formset (ScopedInline.get_formset)."""

    # Each row's link to the page's own record is that record: a row's
    # label naming it ("Ann Lee: school governor") reads no query per row.
    def _construct_form(self, i: int, **kw: Any) -> Any:
        # django-stubs leaves out BaseFormSet's _construct_form (Django's own hook).
        form = super()._construct_form(i, **kw)  # type: ignore[misc]
        parent = getattr(self.instance, self.fk.remote_field.field_name or "", None)
        if parent is not None and getattr(form.instance, self.fk.attname) == parent:
            self.fk.set_cached_value(form.instance, self.instance)
        return form


def _link_row_str(row: models.Model) -> str:
    return " – ".join(
        str(getattr(row, f.name)) for f in row._meta.fields if f.many_to_one
    )


def _spans(parent: Any) -> list[int]:
    return list(parent.constituencies.values_list("pk", flat=True))


class AppointmentInline(ScopedInline):
    """Role rows (forum officers, team leads, network co-ordinators) on their
    forum, team or network: a new row, or one given to another person, records
    who appointed the holder and for which constituency."""

    readonly_fields = ("appointed_for",)

    def get_formset(
        self, request: HttpRequest, obj: models.Model | None = None, **kwargs: Any
    ) -> type[_InlineFormSet]:
        formset = super().get_formset(request, obj, **kwargs)
        return type(
            formset.__name__, (_StampingFormSet, formset), {"actor": request.user}
        )


class _StampingFormSet(_InlineFormSet):
    """Mixed in before an appointment inline's formset, with `actor` the officer
    (AppointmentInline.get_formset)."""

    actor: Any = None

    def save_new(self, form: Any, commit: bool = True) -> Any:
        setattr(form.instance, self.fk.name, self.instance)
        stamp_appointment(form.instance, actor=self.actor, spans=_spans(self.instance))
        return super().save_new(form, commit=commit)

    def save_existing(self, form: Any, obj: Any, commit: bool = True) -> Any:
        if "person" in form.changed_data:
            stamp_appointment(obj, actor=self.actor, spans=_spans(self.instance))
        return super().save_existing(form, obj, commit=commit)


class AppointmentAdmin(ScopedAdmin):
    """A role row's own admin page: `appointment_parent` names its forum, team or
    network field."""

    appointment_parent = ""

    def save_model(self, request, obj, form, change):
        appointment_services.appointment_save(
            instance=obj,
            parent_field=self.appointment_parent,
            changed=form.changed_data,
            adding=not change,
            actor=actor_of(request),
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


def public_link(path: str) -> str:
    """A public page's address on an admin page, to open or to copy: a read-only
    box holding the full web address (selectable; no script, for the strict CSP)
    and a link that opens it."""
    from django.conf import settings
    from django.utils.html import format_html
    from django.utils.translation import gettext

    url = settings.SITE_URL.rstrip("/") + path
    return format_html(
        '<input type="text" readonly class="vTextField" value="{}" '
        'aria-label="{}"> <a href="{}" target="_blank" rel="noopener">{}</a>',
        url,
        gettext("Web address of the public page, to copy"),
        url,
        gettext("View public page"),
    )


if TYPE_CHECKING:
    _ServiceWritesBase = admin.ModelAdmin[Any]
else:
    _ServiceWritesBase = object


class ServiceWrites(_ServiceWritesBase):
    """An admin (or inline) whose writes go through its app's services.

    Name the services and the admin's hooks only call them: `create_service(*,
    instance, actor)` saves a new record built from the form, `update_service(*,
    instance, changes, actor)` applies the fields the officer changed (to the
    record as stored, so the audit has old and new values), `delete_service(*,
    instance, actor)` deletes. Each returns None, the record, or a
    `partyhub.updates.Written` whose notes are shown as messages. A service left
    unset keeps Django's plain write (for records without rules)."""

    create_service: Any = None
    update_service: Any = None
    delete_service: Any = None

    def save_model(
        self, request: HttpRequest, obj: Any, form: Any, change: bool
    ) -> None:
        result: Any
        if change and self.update_service is not None:
            result = type(self).update_service(
                instance=stored(obj), changes=form_changes(form), actor=request.user
            )
        elif not change and self.create_service is not None:
            result = type(self).create_service(instance=obj, actor=request.user)
        else:
            super().save_model(request, obj, form, change)
            result = None
        show_notes(self, request, result)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        if self.delete_service is None:
            super().delete_model(request, obj)
            return
        type(self).delete_service(instance=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        if self.delete_service is None:
            super().delete_queryset(request, queryset)
            return
        for obj in queryset:
            type(self).delete_service(instance=obj, actor=request.user)


def show_notes(model_admin: Any, request: Any, result: Any) -> None:
    """Show a service's notes (a `Written`) as admin messages."""
    for level, text in getattr(result, "notes", None) or ():
        model_admin.message_user(request, text, level)


def formset_through_services(
    *,
    model_admin: Any,
    request: Any,
    formset: Any,
    update: Any,
    create: Any = None,
    delete: Any = None,
) -> None:
    """Save an inline formset row by row through services instead of
    `formset.save()`: new rows with `create(instance=, actor=)`, changed rows with
    `update(instance=, changes=, actor=)`, rows ticked for deletion with
    `delete(instance=, actor=)`. Keeps the lists the admin's history reads."""
    actor = request.user
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for form in formset.initial_forms:
        obj = form.instance
        if formset.can_delete and formset._should_delete_form(form):
            if obj.pk is not None and delete is not None:
                delete(instance=obj, actor=actor)
                formset.deleted_objects.append(obj)
            continue
        if form.has_changed():
            show_notes(
                model_admin,
                request,
                update(instance=stored(obj), changes=form_changes(form), actor=actor),
            )
            formset.changed_objects.append((obj, form.changed_data))
    for form in formset.extra_forms:
        if create is None or not form.has_changed():
            continue
        if formset.can_delete and formset._should_delete_form(form):
            continue
        obj = form.instance
        setattr(obj, formset.fk.name, formset.instance)
        show_notes(model_admin, request, create(instance=obj, actor=actor))
        formset.new_objects.append(obj)
