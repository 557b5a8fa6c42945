"""The base classes every app's admin uses: scoped to the officer's constituencies."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.utils.functional import cached_property
from django.utils.text import capfirst

from partyhub.scoping import ScopedAdminMixin, stamp_appointment

__all__ = [
    "AppointmentAdmin",
    "AppointmentInline",
    "CappedCountPaginator",
    "OwnConstituencyInitialMixin",
    "ReadOnlyAdmin",
    "ScopedAdmin",
    "ScopedInline",
    "error_text",
]


class CappedCountPaginator(Paginator):
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

    def changelist_view(self, request, extra_context=None):
        # "Count exactly": taken off the query before the changelist sees it
        # (it would take it for a filter), remembered for get_paginator.
        if request.GET.get(EXACT_COUNT_VAR) == "exact":
            request.GET = request.GET.copy()
            del request.GET[EXACT_COUNT_VAR]
            request.exact_count = True
        # A list is headed with its name ("Renewal desk"), never Django's
        # "Select renewal desk to view".
        extra_context = {
            "title": capfirst(self.model._meta.verbose_name_plural),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def get_paginator(self, request, queryset, per_page, *args, **kwargs):
        paginator = super().get_paginator(request, queryset, per_page, *args, **kwargs)
        if getattr(request, "exact_count", False):
            paginator.exact = True
        return paginator


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
