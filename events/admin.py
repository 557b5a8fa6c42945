"""Events in the officers' admin.

An event spanning several CLPs shows to the officers of each; its bookings
(inline and list) are scoped by the person's home constituency, so each CLP's
officers see only their own people. Bookings and the event's status change only
through events.services (the capacity lock, the waiting list, the notices), so
they are read-only here and the buttons are actions.
"""

from __future__ import annotations

import datetime

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from events import academy, selectors, services
from events.admin_forms import (
    BookingAdminForm,
    HoursForm,
    InviteForm,
    OrganisationInviteForm,
    ProgrammeYearForm,
    WalkInForm,
)
from events.badges import Badge, badges_pdf
from events.models import (
    Booking,
    Consultation,
    Course,
    Enrolment,
    Event,
    Feedback,
    Invitation,
    OrganisationInvite,
    ProgrammeSlot,
    Seminar,
)
from members.models import Constituency
from partyhub.admin_base import (
    OwnConstituencyInitialMixin,
    ReadOnlyAdmin,
    ScopedAdmin,
    ScopedInline,
)
from partyhub.admin_base import error_text as _error_text
from partyhub.audit.services import audit_log
from partyhub.scoping import ScopedAdminMixin, constituency_ids


class BookingInline(ScopedAdminMixin, admin.TabularInline):
    model = Booking
    extra = 0
    fields = ("person", "status", "guests", "source", "created", "attended_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ScopedAdmin):
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
    readonly_fields = ("status",)
    inlines = (BookingInline,)
    actions = ("publish", "cancel_events")
    fieldsets = (
        (None, {"fields": ("kind", "title", "description", "status")}),
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

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("hours/", wrap(self.hours_view), name="events_event_hours"),
            path(
                "<path:object_id>/invite/",
                wrap(self.invite_view),
                name="events_event_invite",
            ),
            path(
                "<path:object_id>/organisations/",
                wrap(self.organisations_view),
                name="events_event_organisations",
            ),
            path(
                "<path:object_id>/door/",
                wrap(self.door_view),
                name="events_event_door",
            ),
            path(
                "<path:object_id>/door/<int:booking_id>/attend/",
                wrap(require_POST(self.attend_view)),
                name="events_event_attend",
            ),
            path(
                "<path:object_id>/badges.pdf",
                wrap(self.badges_view),
                name="events_event_badges",
            ),
            *super().get_urls(),
        ]

    def _event_page(self, request, object_id: str, *, change: bool) -> Event:
        event = self.get_object(request, unquote(object_id))
        allowed = (
            self.has_change_permission(request, event)
            if change
            else self.has_view_or_change_permission(request, event)
        )
        if not allowed:
            raise PermissionDenied
        return event

    def _page(self, request, event: Event, template: str, title: str, **context):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": event,
                "title": title,
                "change_url": reverse("admin:events_event_change", args=[event.pk]),
                **context,
            },
        )

    def invite_view(self, request, object_id: str):
        event = self._event_page(request, object_id, change=True)
        form = InviteForm(
            request.POST if request.method == "POST" else None,
            event=event,
            user=request.user,
            admin_site=self.admin_site,
        )
        if request.method == "POST" and form.is_valid():
            try:
                result = services.invitations_send(
                    event=event, people=form.people_to_invite(), actor=request.user
                )
            except services.EventsError as exc:
                form.add_error(None, _error_text(exc))
            else:
                self.message_user(
                    request,
                    _(
                        "%(invited)d invited; %(already)d had been invited before; "
                        "%(not_eligible)d could not be (no email address, or not a "
                        "member for a members-only event). Each invitation goes to "
                        "people who agreed to hear about events."
                    )
                    % result.__dict__,
                )
                return HttpResponseRedirect(
                    reverse("admin:events_event_change", args=[event.pk])
                )
        return self._page(
            request,
            event,
            "admin/events/event/invite.html",
            _("Send invitations"),
            form=form,
            media=self.media + form.media,
            invited=event.invitations.in_constituencies(request.user).count(),
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "hours_url": reverse("admin:events_event_hours"),
        }
        return super().changelist_view(request, extra_context)

    CHART_WIDTH = 520  # the SVG's bar area, in its own units

    def hours_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        form = HoursForm(
            request.GET or None,
            initial={"starts": today - datetime.timedelta(days=365), "ends": today},
        )
        rows: list = []
        if form.is_bound and form.is_valid():
            period = form.cleaned_data
        elif not form.is_bound:
            period = form.initial
        else:
            period = None
        if period is not None:
            tz = timezone.get_current_timezone()
            rows = selectors.hours_by_activity(
                constituency_ids=constituency_ids(request.user),
                starts=datetime.datetime.combine(period["starts"], datetime.time(), tz),
                ends=datetime.datetime.combine(
                    period["ends"] + datetime.timedelta(days=1), datetime.time(), tz
                ),
            )
        top = max((r.hours for r in rows), default=0) or 1
        bars = [
            {
                "row": r,
                "y": n * 40,
                "width": round(r.hours / top * self.CHART_WIDTH, 1),
                "hours": round(r.hours, 1),
            }
            for n, r in enumerate(rows)
        ]
        return TemplateResponse(
            request,
            "admin/events/event/hours.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("How the party spends its time"),
                "form": form,
                "bars": bars,
                "chart_height": len(bars) * 40,
                "total": round(sum(r.hours for r in rows), 1),
            },
        )

    # --- at the door: a phone-sized page (Bootstrap, outside the admin's look) ---

    def _door_constituency(self, request, event: Event) -> int:
        ids = constituency_ids(request.user)
        clps = event.constituencies.order_by("pk").values_list("pk", flat=True)
        return next(c for c in clps if ids is None or c in ids)

    def door_view(self, request, object_id: str):
        event = self._event_page(request, object_id, change=False)
        can_tick = request.user.has_perm("events.change_booking")
        walk_in = WalkInForm(request.POST if request.method == "POST" else None)
        if request.method == "POST":
            if not can_tick:
                raise PermissionDenied
            if walk_in.is_valid():
                try:
                    booking = services.walk_in_add(
                        event=event,
                        constituency_id=self._door_constituency(request, event),
                        actor=request.user,
                        **walk_in.cleaned_data,
                    )
                except services.EventsError as exc:
                    walk_in.add_error(None, _error_text(exc))
                else:
                    messages.success(
                        request,
                        _("%(name)s is here.") % {"name": booking.person},
                    )
                    return HttpResponseRedirect(request.path)
        query = request.GET.get("q", "").strip()
        if request.htmx and request.method == "GET":
            return self._door_list_response(request, event, query)
        return TemplateResponse(
            request,
            "events/door.html",
            {
                **self._door_list(request, event, query),
                "walk_in": walk_in,
                "badges_url": reverse("admin:events_event_badges", args=[event.pk]),
            },
        )

    def _door_list(self, request, event: Event, query: str) -> dict:
        bookings = list(services.door_list(event=event, user=request.user, query=query))
        return {
            "event": event,
            "bookings": bookings,
            "here": sum(1 for b in bookings if b.attended_at),
            "query": query,
            "can_tick": request.user.has_perm("events.change_booking"),
        }

    def _door_list_response(self, request, event: Event, query: str):
        return TemplateResponse(
            request,
            "events/door.html#attendees",
            self._door_list(request, event, query),
        )

    def attend_view(self, request, object_id: str, booking_id: int):
        event = self._event_page(request, object_id, change=False)
        if not request.user.has_perm("events.change_booking"):
            raise PermissionDenied
        booking = (
            services.door_list(event=event, user=request.user)
            .filter(pk=booking_id)
            .first()
        )
        if booking is None:
            raise Http404
        services.booking_attend(
            booking=booking,
            attended=request.POST.get("attended") == "1",
            actor=request.user,
        )
        if request.htmx:
            return self._door_list_response(
                request, event, request.POST.get("q", "").strip()
            )
        return HttpResponseRedirect(reverse("admin:events_event_door", args=[event.pk]))

    def badges_view(self, request, object_id: str):
        event = self._event_page(request, object_id, change=False)
        bookings = services.door_list(event=event, user=request.user).filter(
            Q(status=Booking.Status.YES) | Q(attended_at__isnull=False)
        )
        pdf = badges_pdf(
            (
                Badge(b.person.first_name, b.person.last_name, b.is_new)
                for b in bookings
            ),
            title=event.title,
        )
        audit_log(
            actor=request.user,
            action="event.badges_printed",
            obj=event,
            row_count=len(bookings),
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="badges-{event.pk}.pdf"'
        return response

    def organisations_view(self, request, object_id: str):
        event = self._event_page(request, object_id, change=True)
        form = OrganisationInviteForm(
            request.POST if request.method == "POST" else None,
            event=event,
            user=request.user,
        )
        if request.method == "POST" and form.is_valid():
            try:
                result = services.organisations_invite(
                    event=event,
                    organisations=form.cleaned_data["organisations"],
                    actor=request.user,
                )
            except services.EventsError as exc:
                form.add_error(None, _error_text(exc))
            else:
                self.message_user(
                    request,
                    _(
                        "%(emailed)d organisations emailed; %(to_contact_by_hand)d "
                        "to phone or write to (listed below)."
                    )
                    % result.__dict__,
                )
                return HttpResponseRedirect(request.path)
        invited = (
            OrganisationInvite.objects.in_constituencies(request.user)
            .filter(event=event)
            .select_related("organisation", "invitation")
        )
        return self._page(
            request,
            event,
            "admin/events/event/organisations.html",
            _("Invite community organisations"),
            form=form,
            invited=invited,
        )

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        if obj is not None and obj.kind == Event.Kind.BIG_CONVERSATION:
            context["organisations_url"] = reverse(
                "admin:events_event_organisations", args=[obj.pk]
            )
        if obj is not None:
            context["invite_url"] = reverse("admin:events_event_invite", args=[obj.pk])
            context["door_url"] = reverse("admin:events_event_door", args=[obj.pk])
            context["badges_url"] = reverse("admin:events_event_badges", args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            # More places: the waiting list moves up at once, in order.
            promoted = services.waiting_list_promote(event=obj, actor=request.user)
            if promoted:
                self.message_user(
                    request,
                    ngettext(
                        "%d booking promoted from the waiting list.",
                        "%d bookings promoted from the waiting list.",
                        len(promoted),
                    )
                    % len(promoted),
                )

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
                services.event_publish(event=event, actor=request.user)
                done += 1
            except services.EventsError as exc:
                self.message_user(
                    request, f"{event}: {_error_text(exc)}", messages.ERROR
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
            services.event_cancel(event=event, actor=request.user)
        self.message_user(request, _("Cancelled; everyone booked will be told."))


@admin.register(Booking)
class BookingAdmin(ScopedAdmin):
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
            promoted += len(services.rsvp_cancel(booking=booking, actor=request.user))
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

    list_display = ("event", "person", "rating", "comment", "created")
    list_filter = ("rating", "event")
    search_fields = ("event__title", "comment")
    list_select_related = ("event", "person")


@admin.register(ProgrammeSlot)
class ProgrammeSlotAdmin(OwnConstituencyInitialMixin, ScopedAdmin):
    list_display = ("title", "year", "month", "kind", "owner", "event")
    list_filter = ("year", "month", "kind", "constituency")
    search_fields = ("title", "owner__first_name", "owner__last_name")
    list_select_related = ("owner", "event")
    autocomplete_fields = ("owner", "event")
    fields = ("constituency", "year", "month", "kind", "title", "owner", "event",
              "notes")  # fmt: skip

    def get_urls(self):
        return [
            path(
                "year/",
                self.admin_site.admin_view(self.year_view),
                name="events_programmeslot_year",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "year_url": reverse("admin:events_programmeslot_year"),
        }
        return super().changelist_view(request, extra_context)

    def year_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        clps = Constituency.objects.in_constituencies(request.user).order_by("name")
        form = ProgrammeYearForm(request.GET or None, constituencies=clps)
        if form.is_bound and not form.is_valid():
            constituency, year = None, None
        else:
            data = form.cleaned_data if form.is_bound else {}
            constituency = data.get("constituency") or clps.first()
            year = data.get("year") or timezone.localdate().year
        months = (
            selectors.programme_year(constituency=constituency, year=year)
            if constituency is not None
            else []
        )
        return TemplateResponse(
            request,
            "admin/events/programmeslot/year.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("The year's programme"),
                "form": form,
                "constituency": constituency,
                "year": year,
                "months": months,
                "gaps": [m for m in months if not m.has_social],
                "unlinked": sum(len(m.slots_without_event) for m in months),
            },
        )


@admin.register(Consultation)
class ConsultationAdmin(ScopedAdmin):
    """What was said at a Big Conversation; the report goes to those who came."""

    list_display = ("event", "report_sent_at", "updated")
    search_fields = ("event__title", "notes", "themes")
    list_select_related = ("event",)
    autocomplete_fields = ("event",)
    fields = ("event", "notes", "themes", "report", "report_sent_at")
    readonly_fields = ("report_sent_at",)
    actions = ("send_report",)

    @admin.action(
        description=gettext_lazy("Email the report to everyone who came (once each)"),
        permissions=["change"],
    )
    def send_report(self, request, queryset):
        for consultation in queryset.select_related("event"):
            try:
                n = services.consultation_report_send(
                    consultation=consultation, actor=request.user
                )
            except services.EventsError as exc:
                self.message_user(
                    request, f"{consultation}: {_error_text(exc)}", messages.ERROR
                )
            else:
                self.message_user(
                    request,
                    _("%(event)s: the report goes to %(n)d people.")
                    % {"event": consultation.event, "n": n},
                )


# --- the academy -----------------------------------------------------------------------


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
                result = service(enrolment=enrolment, actor=request.user)
            except services.EventsError as exc:
                self.message_user(request, _error_text(exc), messages.ERROR)
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
