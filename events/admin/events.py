"""Events in the officers' admin.

An event spanning several CLPs shows to the officers of each; its bookings
(inline and list) are scoped by the person's home constituency, so each CLP's
officers see only their own people. Bookings and the event's status change only
through events.services (the capacity lock, the waiting list, the notices), so
they are read-only here and the buttons are actions.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from events import services
from events.admin.pages import EventPagesMixin
from events.admin_forms import (
    BookingAdminForm,
    EventAdminForm,
)
from events.models import (
    Booking,
    Event,
    Feedback,
    Invitation,
)
from partyhub.actors import actor_of
from partyhub.admin_base import (
    ReadOnlyAdmin,
    ScopedAdmin,
    ServiceWrites,
    formset_through_services,
    public_link,
)
from partyhub.errors import message_of
from partyhub.scoping import ScopedAdminMixin


class BookingInline(ScopedAdminMixin, admin.TabularInline):
    """The event's bookings (the officer's own people). Only the host is edited
    here: an officer pairs each new member with a member who looks after them."""

    model = Booking
    form = BookingAdminForm
    extra = 0
    fields = (
        "person", "status", "guests", "source", "new_member", "attended_at", "host",
    )  # fmt: skip
    readonly_fields = (
        "person", "status", "guests", "source", "new_member", "attended_at",
    )  # fmt: skip
    autocomplete_fields = ("host",)
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return services.with_new_member_flag(
            super().get_queryset(request).select_related("person", "host")
        )

    @admin.display(description=gettext_lazy("new member"), boolean=True)
    def new_member(self, obj: Booking) -> bool:
        return getattr(obj, "is_new", False)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ServiceWrites, EventPagesMixin, ScopedAdmin):
    create_service = staticmethod(services.event_create)
    update_service = staticmethod(services.event_update)
    form = EventAdminForm
    list_display = (
        "title",
        "kind",
        "starts",
        "audience",
        "status",
        "capacity",
        "places_booked",
        "waiting",
    )
    list_filter = ("status", "kind", "audience", "constituencies")
    search_fields = ("title", "venue")
    date_hierarchy = "starts"
    autocomplete_fields = ("organiser",)
    filter_horizontal = ("constituencies",)
    readonly_fields = ("status", "public_page")
    inlines = (BookingInline,)
    actions = ("publish", "cancel_events")
    fieldsets = (
        (
            None,
            {"fields": ("kind", "title", "description", "status", "public_page")},
        ),
        (
            gettext_lazy("When and where"),
            {"fields": ("starts", "ends", "venue", "address", "accessibility")},
        ),
        (
            gettext_lazy("Who it is for"),
            {"fields": ("constituencies", "audience", "capacity", "organiser")},
        ),
        (gettext_lazy("Tickets"), {"fields": ("price", "concession_price")}),
    )

    def get_queryset(self, request):
        # Totals for every CLP: places are shared, so each organiser needs them;
        # they name nobody. One query for the whole list (no N+1).
        return (
            super()
            .get_queryset(request)
            .annotate(
                _places=Coalesce(
                    Sum(
                        F("bookings__guests") + 1,
                        filter=Q(bookings__status=Booking.Status.YES),
                    ),
                    0,
                ),
                _waiting=Count(
                    "bookings", filter=Q(bookings__status=Booking.Status.WAITING)
                ),
            )
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is Booking:
            # Only the host is edited here (no bookings added or deleted).
            return formset_through_services(
                model_admin=self,
                request=request,
                formset=formset,
                update=services.booking_update,
            )
        return super().save_formset(request, form, formset, change)

    @admin.display(description=gettext_lazy("public page"))
    def public_page(self, obj: Event) -> str:
        if obj.pk is None or obj.audience != Event.Audience.PUBLIC:
            return _("None: only events open to the public have a public page.")
        if obj.status == Event.Status.DRAFT:
            return _("None yet: publish the event to give it its public page.")
        return public_link(reverse("events:detail", args=[obj.pk]))

    @admin.display(description=gettext_lazy("places booked"), ordering="_places")
    def places_booked(self, obj: Event) -> int:
        return obj._places

    @admin.display(description=gettext_lazy("waiting"), ordering="_waiting")
    def waiting(self, obj: Event) -> int:
        return obj._waiting

    @admin.action(
        description=gettext_lazy("Publish the selected events"),
        permissions=["change"],
    )
    def publish(self, request, queryset):
        done = 0
        for event in queryset:
            try:
                services.event_publish(event=event, actor=actor_of(request))
                done += 1
            except services.EventsError as exc:
                self.message_user(
                    request, f"{event}: {message_of(exc)}", messages.ERROR
                )
        if done:
            self.message_user(
                request,
                ngettext("%d event published.", "%d events published.", done) % done,
            )

    @admin.action(
        description=gettext_lazy("Cancel the selected events and tell everyone booked"),
        permissions=["change"],
    )
    def cancel_events(self, request, queryset):
        for event in queryset:
            services.event_cancel(event=event, actor=actor_of(request))
        self.message_user(request, _("Cancelled; everyone booked will be told."))


@admin.register(Booking)
class BookingAdmin(ServiceWrites, ScopedAdmin):
    update_service = staticmethod(services.booking_update)
    delete_service = staticmethod(services.booking_delete)
    list_display = ("person", "event", "status", "guests", "source", "created")
    list_filter = ("status", "source", "event")
    search_fields = ("person__first_name", "person__last_name", "event__title")
    list_select_related = ("person", "event")
    form = BookingAdminForm
    readonly_fields = ("event", "person", "status", "guests", "source", "created")
    fields = (*readonly_fields, "attended_at", "host")
    autocomplete_fields = ("host",)
    actions = ("cancel_bookings",)

    def has_add_permission(self, request):
        return False

    @admin.action(
        description=gettext_lazy("Cancel the selected bookings"),
        permissions=["change"],
    )
    def cancel_bookings(self, request, queryset):
        promoted = 0
        for booking in queryset:
            promoted += len(
                services.rsvp_cancel(booking=booking, actor=actor_of(request))
            )
        self.message_user(
            request,
            _("Bookings cancelled; %(n)d promoted from the waiting list.")
            % {"n": promoted},
        )


@admin.register(Invitation)
class InvitationAdmin(ScopedAdmin):
    list_display = ("person", "event", "created", "sent_by")
    list_filter = ("event",)
    search_fields = ("person__first_name", "person__last_name", "event__title")
    list_select_related = ("person", "event", "sent_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    """What attendees said after the event; each CLP sees its own people's."""

    count_one = gettext_lazy("response")  # "1 response", not "1 feedback"
    count_many = gettext_lazy("responses")
    list_display = ("event", "person", "rating", "comment", "created")
    list_filter = ("rating", "event")
    search_fields = ("event__title", "comment")
    list_select_related = ("event", "person")
