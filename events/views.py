"""Events pages: the public event page and calendar, the iCalendar feed of public
events, and "My events" in the member portal.

Public pages show published public events only; a draft or another audience's
event answers 404 to a visitor.
"""

from __future__ import annotations

import icalendar
from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from events.forms import FeedbackForm, InvitationRsvpForm, PublicRsvpForm
from events.models import Booking, Event
from events.services import (
    EventsError,
    booking_from_cancel_token,
    feedback_record,
    feedback_target_from_token,
    invitation_from_token,
    person_from_feed_token,
    personal_feed_reset,
    personal_feed_url,
    public_booking_allowance_take,
    rsvp_by_invitation,
    rsvp_cancel,
    rsvp_create,
    rsvp_public,
)
from members.models import Constituency, Person
from members.portal.sections import sections
from members.portal.views import portal_view
from partyhub.actors import actor_of
from partyhub.errors import message_of
from partyhub.links import LinkExpired, LinkInvalid, link_problem_for
from partyhub.ratelimit import client_ip


def _public_events():
    return Event.objects.published().filter(audience=Event.Audience.PUBLIC)


@require_http_methods(["GET", "POST"])
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # A cancelled event keeps its page, saying so, for those who have the link.
    event = get_object_or_404(
        Event.objects.filter(
            audience=Event.Audience.PUBLIC,
            status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED],
        ),
        pk=pk,
    )
    if event.status == Event.Status.CANCELLED:
        return render(request, "events/event_detail.html", {"event": event})
    if request.method == "POST":
        if not public_booking_allowance_take(ip=client_ip(request)):
            return render(request, "events/too_many.html", {"event": event}, status=429)
        form = PublicRsvpForm(request.POST)
        if form.looks_like_a_bot():
            return render(request, "events/booked.html", {"event": event})
        if form.is_valid() and not public_booking_allowance_take(
            ip=client_ip(request), places=form.cleaned_data["guests"]
        ):
            return render(request, "events/too_many.html", {"event": event}, status=429)
        if form.is_valid():
            try:
                rsvp_public(event=event, data=form.without_bot_fields())
            except EventsError as exc:
                form.add_error(None, message_of(exc))
            else:
                return render(request, "events/booked.html", {"event": event})
    else:
        form = PublicRsvpForm()
    return render(request, "events/event_detail.html", {"event": event, "form": form})


def calendar(request: HttpRequest, slug: str) -> HttpResponse:
    constituency = get_object_or_404(Constituency, slug=slug)
    events = (
        _public_events()
        .upcoming()
        .filter(constituencies=constituency)
        .order_by("starts")
    )
    return render(
        request,
        "events/calendar.html",
        {"constituency": constituency, "events": events},
    )


def _ical_event(request: HttpRequest, event: Event, **extra) -> icalendar.Event:
    item = icalendar.Event()
    item.add("uid", f"event-{event.pk}@{request.get_host()}")
    item.add("summary", event.title)
    item.add("dtstart", event.starts)
    item.add("dtend", event.ends)
    item.add("dtstamp", event.updated)
    item.add("description", event.description)
    item.add("location", ", ".join(p for p in (event.venue, event.address) if p))
    for name, value in extra.items():
        item.add(name, value)
    return item


def _ical_response(name: str, items: list[icalendar.Event]) -> HttpResponse:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//partyhub//events//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for item in items:
        cal.add_component(item)
    return HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")


def calendar_feed(request: HttpRequest, slug: str) -> HttpResponse:
    constituency = get_object_or_404(Constituency, slug=slug)
    items = [
        _ical_event(
            request,
            event,
            url=request.build_absolute_uri(reverse("events:detail", args=[event.pk])),
        )
        for event in _public_events().filter(constituencies=constituency)
    ]
    return _ical_response(_("%(clp)s events") % {"clp": constituency.name}, items)


def my_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A member's own calendar: the events they answered yes, maybe or are
    waiting for. The secret link is the key (calendar apps cannot log in); a
    cancelled event stays in it marked cancelled, so calendars drop it."""
    try:
        person = person_from_feed_token(token)
    except (LinkExpired, LinkInvalid) as exc:
        raise Http404 from exc
    bookings = (
        Booking.objects.filter(
            person=person,
            status__in=[Booking.Status.YES, Booking.Status.MAYBE,
                        Booking.Status.WAITING],
        )
        .exclude(event__status=Event.Status.DRAFT)
        .select_related("event")
        .order_by("event__starts")
    )  # fmt: skip
    items = [
        _ical_event(
            request,
            b.event,
            status="CANCELLED"
            if b.event.status == Event.Status.CANCELLED
            else ("CONFIRMED" if b.status == Booking.Status.YES else "TENTATIVE"),
        )
        for b in bookings
    ]
    response = _ical_response(_("My party events"), items)
    # One person's bookings: no shared cache keeps them, no search engine lists them.
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex"
    return response


# Bookings that hold, or wait for, a place: "My events" lists these.
ACTIVE_STATUSES = (Booking.Status.YES, Booking.Status.MAYBE, Booking.Status.WAITING)


def _bookable_for(person: Person):
    audiences = [Event.Audience.PUBLIC, Event.Audience.MEMBERS_AND_SUPPORTERS]
    if person.memberships.in_good_standing().exists():
        audiences.append(Event.Audience.MEMBERS)
    return (
        Event.objects.published()
        .upcoming()
        .filter(constituencies=person.constituency_id, audience__in=audiences)
        # An answer of no, or a cancelled booking, can change its mind.
        .exclude(
            pk__in=Booking.objects.filter(
                person=person, status__in=ACTIVE_STATUSES
            ).values("event_id")
        )
        .order_by("starts")
    )


@portal_view
def mine(request: HttpRequest, person: Person) -> HttpResponse:
    bookings = (
        Booking.objects.filter(person=person)
        .filter(Q(status__in=ACTIVE_STATUSES) | Q(attended_at__isnull=False))
        .select_related("event")
        .order_by("event__starts")
    )
    now = timezone.now()
    return render(
        request,
        "events/mine.html",
        {
            "person": person,
            "sections": sections(),
            "upcoming": [b for b in bookings if b.event.ends >= now],
            "past": [
                b
                for b in bookings
                if b.event.ends < now
                and (b.attended_at or b.status == Booking.Status.YES)
            ],
            "bookable": _bookable_for(person),
            "feed_url": personal_feed_url(person),
        },
    )


@require_POST
@portal_view
def book(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    # Events of the member's own constituency, or one they already answered.
    event = (
        Event.objects.filter(pk=pk)
        .filter(Q(constituencies=person.constituency_id) | Q(bookings__person=person))
        .distinct()
        .first()
    )
    if event is None:
        raise Http404
    try:
        guests = max(0, int(request.POST.get("guests") or 0))
    except ValueError:
        guests = 0
    try:
        booking = rsvp_create(
            event=event,
            person=person,
            answer=request.POST.get("answer", Booking.Status.YES),
            guests=guests,
            source=Booking.Source.PORTAL,
            actor=actor_of(request),
        )
    except EventsError as exc:
        messages.error(request, message_of(exc))
    else:
        if booking.status == Booking.Status.WAITING:
            messages.warning(
                request,
                _("%(event)s is full: you are on the waiting list.")
                % {"event": event.title},
            )
        else:
            messages.success(request, _("Thank you: your answer is recorded."))
    return redirect("events:mine")


@require_POST
@portal_view
def cancel(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    booking = get_object_or_404(Booking, pk=pk, person=person)
    rsvp_cancel(booking=booking, actor=actor_of(request))
    messages.success(request, _("Your booking is cancelled."))
    return redirect("events:mine")


@require_POST
@portal_view
def feed_reset(request: HttpRequest, person: Person) -> HttpResponse:
    personal_feed_reset(person=person, actor=actor_of(request))
    messages.success(
        request,
        _("Your calendar has a new address: the old one no longer works. Put the "
          "new one in your calendar app."),
    )  # fmt: skip
    return redirect(reverse("events:mine") + "#my-feed")


@require_http_methods(["GET", "POST"])
def cancel_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button and changes nothing (mail scanners follow links); the
    POST cancels."""
    try:
        booking = booking_from_cancel_token(token)
    except (LinkExpired, LinkInvalid) as exc:
        return _link_problem(request, exc)
    if request.method == "POST":
        rsvp_cancel(booking=booking, actor=None)
        booking.refresh_from_db()
    return render(request, "events/cancel_link.html", {"booking": booking})


def _link_problem(request: HttpRequest, exc: Exception) -> HttpResponse:
    return link_problem_for(
        request,
        exc,
        what_next=_(
            "To change your answer, use the link in a more recent email, or log in "
            "to your account and open My events."
        ),
        next_url=reverse("events:mine"),
        next_label=_("My events"),
    )


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The invited person's own page: answer yes / no / maybe, with guests. GET
    changes nothing (mail scanners follow links)."""
    try:
        invite = invitation_from_token(token)
    except (LinkExpired, LinkInvalid) as exc:
        return _link_problem(request, exc)
    event = invite.event
    booking = Booking.objects.filter(event=event, person=invite.person).first()
    if request.method == "POST":
        form = InvitationRsvpForm(request.POST)
        if form.is_valid():
            try:
                booking = rsvp_by_invitation(
                    invitation=invite,
                    answer=form.cleaned_data["answer"],
                    guests=form.cleaned_data["guests"],
                )
            except EventsError as exc:
                form.add_error(None, message_of(exc))
            else:
                if booking.status == Booking.Status.WAITING:
                    messages.warning(
                        request,
                        _("The event is full: you are on the waiting list. If a "
                          "place comes free it is yours, and we will email you."),
                    )  # fmt: skip
                else:
                    messages.success(request, _("Thank you: your answer is recorded."))
                return redirect("events:invitation", token=token)
    else:
        initial = {}
        if booking is not None and booking.status in ("yes", "no", "maybe"):
            initial = {"answer": booking.status, "guests": booking.guests}
        form = InvitationRsvpForm(initial=initial)
    return render(
        request,
        "events/invitation.html",
        {"event": event, "person": invite.person, "booking": booking, "form": form},
    )


@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest, token: str) -> HttpResponse:
    try:
        event, person = feedback_target_from_token(token)
    except (LinkExpired, LinkInvalid) as exc:
        return _link_problem(request, exc)
    done = False
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        if form.is_valid():
            feedback_record(
                event=event,
                person=person,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
            done = True
    else:
        form = FeedbackForm()
    return render(
        request,
        "events/feedback.html",
        {"event": event, "person": person, "form": form, "done": done},
    )


@portal_view
def my_course(request: HttpRequest, person: Person) -> HttpResponse:
    from events.academy import course_progress
    from events.models import Enrolment

    enrolments = Enrolment.objects.filter(person=person).select_related("course")
    return render(
        request,
        "events/course.html",
        {
            "person": person,
            "sections": sections(),
            "courses": [(e, course_progress(e)) for e in enrolments],
        },
    )
