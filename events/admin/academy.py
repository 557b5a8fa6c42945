"""The academy in the admin: courses with their seminars, enrolments with progress."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events import academy, services
from events.models import (
    Course,
    Enrolment,
    Seminar,
)
from partyhub.actors import actor_of
from partyhub.admin_base import (
    OwnConstituencyInitialMixin,
    ScopedAdmin,
    ScopedInline,
)
from partyhub.errors import message_of


class SeminarInline(ScopedInline):
    model = Seminar
    autocomplete_fields = ("event",)


@admin.register(Course)
class CourseAdmin(OwnConstituencyInitialMixin, ScopedAdmin):
    list_display = ("title", "starts", "ends", "officer")
    list_filter = ("constituency",)
    search_fields = ("title",)
    list_select_related = ("officer",)
    autocomplete_fields = ("officer",)
    inlines = (SeminarInline,)


@admin.register(Enrolment)
class EnrolmentAdmin(ScopedAdmin):
    """Enrolments with their progress; the portfolio and graduation change only
    through the actions (the political education officer's, audited)."""

    list_display = (
        "person",
        "course",
        "seminars",
        "portfolio_complete",
        "graduated_on",
    )
    list_filter = ("course", "portfolio_complete")
    search_fields = ("person__first_name", "person__last_name", "course__title")
    list_select_related = ("person", "course")
    autocomplete_fields = ("person",)
    readonly_fields = ("portfolio_complete", "completed_by", "graduated_on")
    actions = ("mark_portfolio_complete", "graduate")

    def get_queryset(self, request):
        return academy.with_progress(super().get_queryset(request))

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ("course", "person", *self.readonly_fields)
        return self.readonly_fields

    @admin.display(description=gettext_lazy("seminars attended"))
    def seminars(self, obj: Enrolment) -> str:
        return f"{obj.seminars_attended} / {obj.seminars_total}"

    def _each(self, request, queryset, service, done_text):
        done = 0
        for enrolment in queryset:
            try:
                result = service(enrolment=enrolment, actor=actor_of(request))
            except services.EventsError as exc:
                self.message_user(request, message_of(exc), messages.ERROR)
            else:
                done += bool(result.graduated_on)
        self.message_user(request, done_text % {"n": done})

    @admin.action(
        description=gettext_lazy("Mark the portfolio complete (political education)"),
        permissions=["change"],
    )
    def mark_portfolio_complete(self, request, queryset):
        self._each(
            request,
            queryset,
            academy.portfolio_mark_complete,
            _("Portfolios marked complete; %(n)d graduates."),
        )

    @admin.action(
        description=gettext_lazy("Graduate (every seminar attended, portfolio done)"),
        permissions=["change"],
    )
    def graduate(self, request, queryset):
        self._each(request, queryset, academy.enrolment_graduate, _("%(n)d graduates."))
