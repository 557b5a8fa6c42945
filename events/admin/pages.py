"""The event's own admin pages: invitations, community organisations, the door
(a phone-sized check-in page in the site's Bootstrap look), name badges, and
"how the party spends its time". Every page finds its event through the scoped
get_object, so another CLP's event answers 404.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events import selectors, services
from events.admin_forms import (
    HoursForm,
    InviteForm,
    OrganisationInviteForm,
    WalkInForm,
)
from events.badges import Badge, badges_pdf
from events.models import (
    Booking,
    Event,
    Invitation,
    OrganisationInvite,
)
from partyhub.actors import actor_of
from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log
from partyhub.errors import message_of
from partyhub.scoping import constituency_ids


class EventPagesMixin:
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
                "<path:object_id>/publish/",
                wrap(require_POST(self.publish_view)),
                name="events_event_publish",
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

    def publish_view(self, request, object_id: str):
        """The Publish button on the event's own page (the same service as the
        list's bulk action)."""
        event = self._event_page(request, object_id, change=True)
        try:
            services.event_publish(event=event, actor=actor_of(request))
        except services.EventsError as exc:
            self.message_user(request, message_of(exc), messages.ERROR)
        else:
            self.message_user(
                request,
                _(
                    "“%(event)s” is published: it is on the constituency's page and calendar."
                )
                % {"event": event.title}
                if event.audience == Event.Audience.PUBLIC
                else _(
                    "“%(event)s” is published: members can book it in their account."
                )
                % {"event": event.title},
            )
        return HttpResponseRedirect(
            reverse("admin:events_event_change", args=[event.pk])
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
                    event=event, people=form.people_to_invite(), actor=actor_of(request)
                )
            except services.EventsError as exc:
                form.add_error(None, message_of(exc))
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
            sample=self._invitation_sample(request, event),
        )

    def _invitation_sample(self, request, event: Event):
        """The invitation as it will read, written for the officer (nothing saved,
        nothing sent): each person gets the same with their own name and link."""
        from members.models import Person
        from partyhub.comms.reminders import reminder_preview

        person = getattr(request.user, "person", None)
        if person is None:
            person = Person(
                first_name=request.user.first_name or _("Sam"),
                constituency=event.constituencies.first(),
            )
        return reminder_preview(
            kind=services.REMINDER_INVITATION,
            person=person,
            about=Invitation(event=event, person=person),
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "hours_url": reverse("admin:events_event_hours"),
        }
        return super().changelist_view(request, extra_context)

    CHART_WIDTH = 460  # the SVG's bar area, in its own units

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
                        actor=actor_of(request),
                        **walk_in.cleaned_data,
                    )
                except services.EventsError as exc:
                    walk_in.add_error(None, message_of(exc))
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
        bookings = list(
            # The finance app's payment on each booking (issue 18.4), same query.
            services.door_list(
                event=event, user=request.user, query=query
            ).select_related("payment")
        )
        return {
            "event": event,
            "bookings": bookings,
            "here": sum(1 for b in bookings if b.attended_at),
            "query": query,
            "can_tick": request.user.has_perm("events.change_booking"),
        }

    def _door_list_response(self, request, event: Event, query: str, error=""):
        return TemplateResponse(
            request,
            "events/door.html#attendees",
            {**self._door_list(request, event, query), "error": error},
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
        error = ""
        try:
            services.booking_attend(
                booking=booking,
                attended=request.POST.get("attended") == "1",
                actor=actor_of(request),
            )
        except services.EventsError as exc:
            error = message_of(exc)
        if request.htmx:
            return self._door_list_response(
                request, event, request.POST.get("q", "").strip(), error=error
            )
        if error:
            messages.error(request, error)
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
            actor=actor_of(request),
            action=AuditAction.EVENT_BADGES_PRINTED,
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
                    actor=actor_of(request),
                )
            except services.EventsError as exc:
                form.add_error(None, message_of(exc))
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
            if obj.status == Event.Status.DRAFT:
                context["publish_url"] = reverse(
                    "admin:events_event_publish", args=[obj.pk]
                )
        return super().render_change_form(request, context, add, change, form_url, obj)
