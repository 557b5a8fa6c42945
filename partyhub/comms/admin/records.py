"""The consent ledger, and the records of what was sent."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from partyhub.actors import actor_of
from partyhub.admin_base import ReadOnlyAdmin, ScopedAdmin
from partyhub.comms import services
from partyhub.comms.forms import ConsentRecordForm
from partyhub.comms.models import BouncedAddress, ConsentEvent, Delivery, Reminder
from partyhub.scoping import constituency_ids


@admin.register(ConsentEvent)
class ConsentEventAdmin(ScopedAdmin):
    """Append-only: officers read the ledger and record what someone told them;
    the record goes through consent_record, which keeps the current state."""

    form = ConsentRecordForm
    list_display = (
        "at",
        "person",
        "channel",
        "topic",
        "granted",
        "method",
        "recorded_by",
    )
    list_filter = ("channel", "granted", "method")
    search_fields = ("person__first_name", "person__last_name", "person__email")
    list_select_related = ("person", "recorded_by")
    autocomplete_fields = ("person",)
    show_full_result_count = False
    add_fields = ("person", "channel", "topic", "granted", "method", "wording")
    view_fields = (
        "at",
        "person",
        "channel",
        "topic",
        "granted",
        "method",
        "wording",
        "recorded_by",
    )

    def get_fields(
        self, request: HttpRequest, obj: ConsentEvent | None = None
    ) -> tuple[str, ...]:
        return self.add_fields if obj is None else self.view_fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.view_fields

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj: ConsentEvent, form, change: bool) -> None:
        services.consent_event_add(instance=obj, actor=actor_of(request))

    def save_related(self, request, form, formsets, change: bool) -> None:
        pass  # no related objects; the row is already written


# --- what was sent ------------------------------------------------------------------


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = (
        "to_email",
        "person",
        "message",
        "status",
        "attempts",
        "sent_at",
        "error",
    )
    list_filter = ("status", "message")
    search_fields = ("to_email",)
    list_select_related = ("person", "message")
    show_full_result_count = False

    def get_ordering(self, request):
        if constituency_ids(request.user) is not None:
            # An officer's deliveries, newest first, sorted once their people's
            # rows are found (person index), never by walking the id index of
            # every constituency's mail backwards: 27 s for one CLP among 3.5
            # million deliveries, 0.35 s this way (bench/EXPLAIN.md).
            return ("-created", "-pk")
        return super().get_ordering(request)


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ("kind", "person", "due_at", "status", "delivery_status")
    list_filter = ("status", "kind")
    search_fields = ("kind", "person__first_name", "person__last_name")
    list_select_related = ("person", "delivery")
    show_full_result_count = False
    fields = ("kind", "person", "about_record", "due_at", "status")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("about"))
    def about_record(self, obj: Reminder) -> str:
        # The record's name, never a bare type and id (issue 16.10).
        about = obj.about
        if about is None:
            return "—"
        return f"{about._meta.verbose_name.capitalize()}: {about}"

    @admin.display(description=gettext_lazy("delivery"))
    def delivery_status(self, obj: Reminder) -> str:
        delivery = getattr(obj, "delivery", None)
        return delivery.get_status_display() if delivery else "—"


@admin.register(BouncedAddress)
class BouncedAddressAdmin(ScopedAdmin):
    """Addresses belong to no constituency, so only the regional organiser sees
    them (an officer would see other CLPs' people's addresses). Deleting a row
    clears an address somebody has corrected."""

    list_display = ("email", "at", "reason")
    search_fields = ("email",)
    readonly_fields = ("email", "at", "reason")

    def get_queryset(self, request):
        if not request.user.is_superuser:
            return self.model.objects.none()
        return super().get_queryset(request)

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
