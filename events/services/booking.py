"""Event workflows: booking, cancelling, the waiting list, publishing, cancelling
an event. Every booking change locks the event row so two people can never take
the last place at once."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from events.models import Booking, Event
from members.services import person_for_public_form
from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log
from partyhub.comms.models import Reminder
from partyhub.comms.reminders import reminder_cancel, reminder_schedule
from partyhub.errors import DomainError, message_of
from partyhub.links import LinkInvalid, make_token, read_token
from partyhub.ratelimit import hourly_allowance_take
from partyhub.updates import SUCCESS, Written, audit_detail, model_update
from supporters.models import SignupRequest, Supporter
from supporters.next_steps import next_steps
from supporters.signup import (
    PendingKind,
    SignupGone,
    lock_address,
    pending_request_create,
    register_pending,
    supporter_confirm,
)

if TYPE_CHECKING:
    from partyhub.accounts.models import User


REMINDER_DAY_BEFORE = "events.day_before"
REMINDER_ON_THE_DAY = "events.on_the_day"
REMINDER_PLACE_FREED = "events.place_freed"
REMINDER_EVENT_CANCELLED = "events.event_cancelled"
# "You are booked", with the calendar entry and the "I can't come" link.
REMINDER_BOOKED = "events.booked"

# Answers a person gives; "waiting" and "cancelled" are the system's.
ANSWERS = (Booking.Status.YES, Booking.Status.NO, Booking.Status.MAYBE)
# The portal offers up to ten guests; the public and invitation forms five.
MAX_GUESTS = 10


class EventsError(DomainError):
    """A domain error a visitor or officer can read: nothing was changed."""


def _is_member(person: Any) -> bool:
    return person.memberships.in_good_standing().exists()


def _check_audience(event: Event, person: Any) -> None:
    if event.audience == Event.Audience.MEMBERS and not _is_member(person):
        raise EventsError(
            _("%(event)s is for party members only.") % {"event": event.title}
        )


def _lock(event: Event) -> Event:
    # The row lock serialises every booking change on one event: counting the
    # places taken and writing the booking happen with nobody else in between.
    return Event.objects.select_for_update().get(pk=event.pk)


def _booking_reminders(booking: Booking) -> list[tuple[str, datetime.datetime]]:
    """The day before, and on the day (three hours ahead)."""
    starts = booking.event.starts
    return [
        (REMINDER_DAY_BEFORE, starts - datetime.timedelta(days=1)),
        (REMINDER_ON_THE_DAY, starts - datetime.timedelta(hours=3)),
    ]


def _schedule_day_before(booking: Booking) -> None:
    for kind, due_at in _booking_reminders(booking):
        if due_at <= timezone.now():
            continue  # booked too late for this one
        key = f"{kind}:{booking.pk}:{booking.event.starts.isoformat()}"
        # Rebooking after a cancellation revives the same row (one per key).
        Reminder.objects.filter(key=key, status=Reminder.Status.CANCELLED).update(
            status=Reminder.Status.PENDING
        )
        reminder_schedule(
            kind=kind,
            person=booking.person,
            due_at=due_at,
            about=booking,
            key=key,
        )


def _fits(event: Event, places: int, taken: int) -> bool:
    return event.capacity is None or taken + places <= event.capacity


def _queue_ahead(event: Event, booking: Booking | None) -> bool:
    """Somebody is waiting for a place and was there before this booking (a new
    booking, or one further down the waiting list)."""
    if event.capacity is None or (
        booking is not None and booking.status == Booking.Status.YES
    ):
        return False
    # A party bigger than the whole event waits for more places (the organiser
    # may move to a bigger room); until then it holds nobody up.
    waiting = _waiting_list(event).filter(guests__lt=event.capacity)
    if booking is None:
        return waiting.exists()
    if booking.status != Booking.Status.WAITING:
        return False
    since = booking.waiting_since or booking.created
    return waiting.filter(
        Q(queued_at__lt=since) | Q(queued_at=since, pk__lt=booking.pk)
    ).exists()


def _waiting_list(event: Event) -> Any:
    """The event's waiting list in its order: first come, first served by when
    each joined it (rows from before that was recorded: by when they booked)."""
    return (
        event.bookings.filter(status=Booking.Status.WAITING)
        .annotate(queued_at=Coalesce("waiting_since", "created"))
        .order_by("queued_at", "pk")
    )


def _promote_waiting(event: Event, actor: User | None) -> list[Booking]:
    """First come, first served: promote from the head of the waiting list while
    the next one fits (nobody jumps the queue with a smaller party)."""
    promoted = []
    taken = event.places_taken()
    for booking in _waiting_list(event):
        if event.capacity is not None and booking.places > event.capacity:
            continue  # bigger than the event: it holds nobody up behind it
        if not _fits(event, booking.places, taken):
            break
        booking.status = Booking.Status.YES
        booking.save(update_fields=["status", "updated"])
        taken += booking.places
        promoted.append(booking)
        _schedule_day_before(booking)
        reminder_schedule(
            kind=REMINDER_PLACE_FREED,
            person=booking.person,
            due_at=timezone.now(),
            about=booking,
            key=f"{REMINDER_PLACE_FREED}:{booking.pk}:{timezone.now().isoformat()}",
        )
        audit_log(
            actor=actor,
            action=AuditAction.EVENT_BOOKING_PROMOTED,
            obj=booking,
            detail={"event": event.pk},
        )
    return promoted


@transaction.atomic
def rsvp_create(
    *,
    event: Event,
    person: Any,
    answer: str,
    guests: int = 0,
    source: str,
    actor: User | None,
) -> Booking:
    """Record a person's answer; a yes beyond capacity goes on the waiting list.

    Answering again updates the one booking (double clicks make one booking)."""
    if answer not in ANSWERS:
        raise EventsError(_("Please answer yes, no or maybe."))
    if guests < 0:
        raise EventsError(_("The number of guests cannot be negative."))
    if guests > MAX_GUESTS:
        raise EventsError(_("You can bring at most %(n)d guests.") % {"n": MAX_GUESTS})
    event = _lock(event)
    if event.status != Event.Status.PUBLISHED:
        raise EventsError(_("This event is not open for booking."))
    if event.ends < timezone.now():
        raise EventsError(_("This event is over."))
    _check_audience(event, person)

    booking = Booking.objects.filter(event=event, person=person).first()
    was_yes = booking is not None and booking.status == Booking.Status.YES
    places_before = booking.places if was_yes else 0
    status = answer
    if answer == Booking.Status.YES:
        taken = event.places_taken() - places_before
        if _queue_ahead(event, booking):
            # A place left over because the head of the waiting list needs more
            # than one is theirs to wait for: nobody new goes in front of them.
            status = Booking.Status.WAITING
        elif was_yes and 1 + guests <= places_before:
            pass  # no more places than they hold already
        elif not _fits(event, 1 + guests, taken):
            if was_yes:
                # Someone with a place who asks for more guests keeps the place
                # they have rather than losing it to the waiting list.
                free = max(0, event.capacity - taken - places_before)
                if not free:
                    raise EventsError(
                        _(
                            "The event is full: there is no room for more guests. "
                            "Your booking is unchanged."
                        )
                    )
                raise EventsError(
                    ngettext(
                        "There is room for %(free)d more guest only. Your booking "
                        "is unchanged.",
                        "There is room for %(free)d more guests only. Your booking "
                        "is unchanged.",
                        free,
                    )
                    % {"free": free}
                )
            status = Booking.Status.WAITING
            # Someone already on the waiting list keeps their place in the queue.
    # Joining the waiting list (again) puts one at its end; staying on it keeps
    # one's place in the queue.
    joins_queue = status == Booking.Status.WAITING and (
        booking is None or booking.status != Booking.Status.WAITING
    )
    if booking is None:
        booking = Booking.objects.create(
            event=event,
            person=person,
            status=status,
            guests=guests,
            source=source,
            waiting_since=timezone.now() if joins_queue else None,
        )
    else:
        if joins_queue:
            booking.waiting_since = timezone.now()
        booking.status = status
        booking.guests = guests
        booking.save(update_fields=["status", "guests", "waiting_since", "updated"])
    booking.event = event

    if status == Booking.Status.YES:
        _schedule_day_before(booking)
        if not was_yes:
            # Told once per place taken: a second yes changes nothing.
            reminder_schedule(
                kind=REMINDER_BOOKED,
                person=booking.person,
                due_at=timezone.now(),
                about=booking,
                key=f"{REMINDER_BOOKED}:{booking.pk}:{timezone.now().isoformat()}",
            )
    else:
        reminder_cancel(about=booking, kind=REMINDER_BOOKED)
        reminder_cancel(about=booking, kind=REMINDER_DAY_BEFORE)
        reminder_cancel(about=booking, kind=REMINDER_ON_THE_DAY)
    audit_log(
        actor=actor,
        action=AuditAction.EVENT_RSVP,
        obj=booking,
        detail={
            "event": event.pk,
            "status": status,
            "guests": guests,
            "source": source,
        },
    )
    if was_yes and (status != Booking.Status.YES or booking.places < places_before):
        # A place (or a guest's place) came free: the waiting list moves up.
        _promote_waiting(event, actor)
    return booking


@transaction.atomic
def rsvp_cancel(*, booking: Booking, actor: User | None) -> list[Booking]:
    """Cancel a booking and give freed places to the waiting list, at once.

    Returns the bookings promoted from the waiting list."""
    event = _lock(booking.event)
    booking = Booking.objects.get(pk=booking.pk)
    if booking.status == Booking.Status.CANCELLED:
        return []
    booking.status = Booking.Status.CANCELLED
    booking.save(update_fields=["status", "updated"])
    reminder_cancel(about=booking)
    audit_log(
        actor=actor,
        action=AuditAction.EVENT_BOOKING_CANCELLED,
        obj=booking,
        detail={"event": event.pk},
    )
    if event.status != Event.Status.PUBLISHED or event.ends < timezone.now():
        return []  # nobody is told "a place is yours" for a cancelled or past event
    return _promote_waiting(event, actor)


@transaction.atomic
def waiting_list_promote(*, event: Event, actor: User | None) -> list[Booking]:
    """Give places to the waiting list after the event changed (more capacity),
    first come, first served. Returns the bookings promoted."""
    event = _lock(event)
    if event.status != Event.Status.PUBLISHED or event.ends < timezone.now():
        return []
    return _promote_waiting(event, actor)


@transaction.atomic
def booking_reminders_reschedule(*, event: Event) -> int:
    """The event moved: cancel the reminders not yet sent for the old time and
    schedule them for the new one (keys carry the start time, so each is still
    sent once). Returns how many bookings were rescheduled."""
    event = _lock(event)
    bookings = list(
        event.bookings.filter(status=Booking.Status.YES).select_related("person")
    )
    for booking in bookings:
        booking.event = event
        reminder_cancel(about=booking, kind=REMINDER_DAY_BEFORE)
        reminder_cancel(about=booking, kind=REMINDER_ON_THE_DAY)
        if event.status == Event.Status.PUBLISHED:
            _schedule_day_before(booking)
    return len(bookings)


def places_freed(*, event_id: int, actor: Any = None) -> None:
    """A booking with a place went (deleted, or its person erased): once that is
    committed, the waiting list moves up as it would on a cancellation."""

    def promote() -> None:
        event = Event.objects.filter(pk=event_id).first()
        if event is not None:
            waiting_list_promote(event=event, actor=actor)

    transaction.on_commit(promote)


@transaction.atomic
def booking_delete(*, instance: Booking, actor: Any) -> None:
    """Delete a booking (an officer's tidy-up): a place it held goes to the
    waiting list."""
    held_place = instance.status == Booking.Status.YES
    event_id = instance.event_id
    audit_log(
        actor=actor,
        action=AuditAction.EVENT_BOOKING_DELETED,
        obj=instance,
        detail={"event": event_id, "status": instance.status},
    )
    reminder_cancel(about=instance, kind=REMINDER_DAY_BEFORE)
    reminder_cancel(about=instance, kind=REMINDER_ON_THE_DAY)
    instance.delete()
    if held_place:
        places_freed(event_id=event_id, actor=actor)


def bookings_deleted_with_their_person(
    sender: Any, instance: Booking, **kwargs: Any
) -> None:
    """post_delete receiver, only for deletions that do not go through
    `booking_delete` (a Person deleted, their bookings cascading): it only calls
    the service that runs the follow-up."""
    if instance.status == Booking.Status.YES:
        places_freed(event_id=instance.event_id)


@transaction.atomic
def booking_update(
    *, instance: Booking, changes: dict[str, Any], actor: Any
) -> Written:
    """What an officer edits on a booking: when they came, and the member who
    looks after a new member there. Audited with old and new values."""
    written = Written(instance)
    written.changed = model_update(
        instance=instance, changes=changes, fields=("attended_at", "host")
    )
    if written.changed:
        audit_log(
            actor=actor,
            action=AuditAction.EVENT_BOOKING_UPDATED,
            obj=instance,
            detail=audit_detail(written.changed),
        )
    return written


EVENT_FIELDS = (
    "kind", "title", "description", "starts", "ends", "venue", "address",
    "accessibility", "audience", "capacity", "organiser", "price",
    "concession_price",
)  # fmt: skip


def event_capacity_check(*, event: Event, capacity: int | None) -> None:
    """Lowering the capacity below the places already booked is refused (the
    event row is locked until the end of the transaction: no booking slips in
    between)."""
    if capacity is None or event.pk is None:
        return
    if event.capacity is not None and capacity >= event.capacity:
        return  # unchanged or more: nothing to check
    taken = _lock(event).places_taken()
    if capacity < taken:
        raise EventsError(
            _(
                "%(taken)d places are booked already: the capacity cannot be "
                "less. Cancel bookings first to make it smaller."
            )
            % {"taken": taken}
        )


@transaction.atomic
def event_create(*, instance: Event, actor: Any) -> Event:
    instance.full_clean()
    instance.save()
    audit_log(actor=actor, action=AuditAction.EVENT_CREATED, obj=instance)
    return instance


@transaction.atomic
def event_update(*, instance: Event, changes: dict[str, Any], actor: Any) -> Written:
    """An officer's edit of an event, on every path. A new start time moves the
    booked people's reminders; more capacity promotes the waiting list at once,
    in order. Audited with old and new values."""
    written = Written(instance)
    if "capacity" in changes:
        event_capacity_check(event=instance, capacity=changes["capacity"])
    written.changed = model_update(
        instance=instance, changes=changes, fields=EVENT_FIELDS
    )
    if not written.changed:
        return written
    audit_log(
        actor=actor,
        action=AuditAction.EVENT_UPDATED,
        obj=instance,
        detail=audit_detail(written.changed),
    )
    if "starts" in written.changed:
        booking_reminders_reschedule(event=instance)
    if "capacity" in written.changed:
        promoted = waiting_list_promote(event=instance, actor=actor)
        if promoted:
            written.note(
                ngettext(
                    "%d booking promoted from the waiting list.",
                    "%d bookings promoted from the waiting list.",
                    len(promoted),
                )
                % len(promoted),
                SUCCESS,
            )
    return written


@transaction.atomic
def event_publish(*, event: Event, actor: Any) -> Event:
    event = _lock(event)
    if event.status == Event.Status.CANCELLED:
        raise EventsError(_("A cancelled event cannot be published."))
    if event.status != Event.Status.PUBLISHED:
        event.status = Event.Status.PUBLISHED
        event.save(update_fields=["status", "updated"])
        audit_log(actor=actor, action=AuditAction.EVENT_PUBLISHED, obj=event)
    return event


@transaction.atomic
def event_cancel(*, event: Event, actor: User | None) -> Event:
    """Cancel an event and tell everyone booked (yes, maybe, waiting), once."""
    event = _lock(event)
    if event.status == Event.Status.CANCELLED:
        return event
    event.status = Event.Status.CANCELLED
    event.save(update_fields=["status", "updated"])
    booked = event.bookings.filter(
        status__in=[Booking.Status.YES, Booking.Status.MAYBE, Booking.Status.WAITING]
    ).select_related("person")
    for booking in booked:
        reminder_cancel(about=booking)
        reminder_schedule(
            kind=REMINDER_EVENT_CANCELLED,
            person=booking.person,
            due_at=timezone.now(),
            about=event,
            key=f"{REMINDER_EVENT_CANCELLED}:{event.pk}:{booking.person_id}",
        )
    audit_log(
        actor=actor,
        action=AuditAction.EVENT_CANCELLED,
        obj=event,
        detail={"notified": len(booked)},
    )
    return event


CONSENT_WORDING = {
    "email": gettext_lazy(
        "Yes, email me about other events and news from the local party. We will "
        "email you a link to confirm: nothing changes until you click it."
    ),
}


def public_booking_allowance_take(*, ip: str, places: int = 1) -> bool:
    """Count `places` from `ip` (each post counts one; a valid booking then adds
    its guests); False once settings.EVENTS_PUBLIC_BOOKINGS_PER_IP_PER_HOUR is
    used. Places, not posts: one address must not be able to take most of an
    event in a few requests by bringing five guests each time."""
    limit = settings.EVENTS_PUBLIC_BOOKINGS_PER_IP_PER_HOUR
    return hourly_allowance_take("events:public-booking-ip", ip, limit, amount=places)


@transaction.atomic
def rsvp_public(*, event: Event, data: dict[str, Any]) -> SignupRequest:
    """A booking from the public event page, by name and email, held until the
    address confirms it (rsvp_public_confirm): a form anyone can fill in with
    anyone's address must not create a Person, change a known person's booking or
    record consent in their name. The page says the same whether or not the
    address is known. No place is held until the booking is confirmed."""
    if event.audience != Event.Audience.PUBLIC:
        raise EventsError(_("This event is not open to the public."))
    if event.status != Event.Status.PUBLISHED or event.ends < timezone.now():
        raise EventsError(_("This event is not open for booking."))
    constituency = event.constituencies.order_by("pk").first()
    consents = {
        channel: str(wording)
        for channel, wording in CONSENT_WORDING.items()
        if data.get(f"consent_{channel}")
    }
    return pending_request_create(
        kind=SignupRequest.Kind.BOOKING,
        about_id=event.pk,
        data={
            "first_name": data["first_name"].strip(),
            "last_name": data["last_name"].strip(),
            "email": data["email"].strip(),
            "postcode": data.get("postcode") or "",
            "phone": "",
            "offers": [],
            "guests": data.get("guests") or 0,
            "consents": consents,
            "form_constituency": getattr(constituency, "pk", None),
            "source": Supporter.Source.EVENT.value,
            "event": event.pk,
        },
        constituency=constituency,
    )


def _booking_asked(request: SignupRequest) -> str:
    event = Event.objects.filter(pk=request.about_id).first()
    title = event.title if event else _("an event")
    return _("book a place at “%(title)s”") % {"title": title}


@transaction.atomic
def rsvp_public_confirm(request: SignupRequest) -> tuple[str, dict[str, Any]]:
    """The visitor proved their address: book them (or put them on the waiting
    list), and keep in touch by email if they asked. A booking the person already
    had stands as it was. Idempotent: a second press shows the same booking."""
    lock_address(request.email)
    request = SignupRequest.objects.select_for_update().get(pk=request.pk)
    event = Event.objects.filter(pk=request.about_id).first()
    if event is None:
        raise SignupGone
    data = request.data
    constituency_ids = list(
        event.constituencies.order_by("pk").values_list("pk", flat=True)
    )
    context: dict[str, Any] = {
        "heading": _("Thank you"),
        "back_url": reverse("events:detail", args=[event.pk]),
        "back_label": _("Back to the event"),
        "steps": next_steps(
            constituency=event.constituencies.order_by("pk").first(),
            exclude_event_id=event.pk,
        ),
    }
    created = False
    if request.confirmed_at is None:
        if "email" in (data.get("consents") or {}):
            person = supporter_confirm(signup_request=request).supporter.person
        else:
            person = person_for_public_form(
                email=data["email"],
                constituency_ids=constituency_ids,
                first_name=data["first_name"],
                last_name=data["last_name"],
            )
            request.confirmed_at = timezone.now()
            request.save(update_fields=["confirmed_at"])
        booking = Booking.objects.filter(event=event, person=person).first()
        if booking is None:
            try:
                booking = rsvp_create(
                    event=event,
                    person=person,
                    answer=Booking.Status.YES,
                    guests=int(data.get("guests") or 0),
                    source=Booking.Source.PUBLIC,
                    actor=None,
                )
            except EventsError as exc:
                context["heading"] = _("We could not book you a place")
                context["lines"] = [message_of(exc)]
                return "supporters/pending_done.html", context
            created = True
    else:
        booking = Booking.objects.filter(
            event=event, person__email__iexact=request.email
        ).first()
    title = event.title
    if booking is None:
        lines = [_("There is no booking for “%(title)s” now.") % {"title": title}]
    elif not created and booking.source != Booking.Source.PUBLIC:
        lines = [
            _(
                "We already have an answer about “%(title)s” from you, and it stands "
                "as it was. To change it, use the link in the emails we sent you, "
                "or log in to your account."
            )
            % {"title": title}
        ]
    elif booking.status == Booking.Status.WAITING:
        lines = [
            _(
                "“%(title)s” is full, so you are on the waiting list. If a place "
                "comes free it is yours, and we will email you."
            )
            % {"title": title}
        ]
    elif booking.status == Booking.Status.YES:
        lines = [
            _(
                "We have your booking for “%(title)s”. We will email you a reminder "
                "the day before."
            )
            % {"title": title}
        ]
    else:
        lines = [_("Your answer about “%(title)s” stands.") % {"title": title}]
    context["lines"] = lines
    return "supporters/pending_done.html", context


def register_booking_confirmation() -> None:
    """Call from EventsConfig.ready()."""
    register_pending(
        SignupRequest.Kind.BOOKING,
        PendingKind(
            subject=gettext_lazy("Please confirm your booking"),
            asked=_booking_asked,
            confirm=rsvp_public_confirm,
        ),
    )


CANCEL_PURPOSE = "events.cancel"


def booking_cancel_url(booking: Booking) -> str:
    """'I can't come any more' in one click, from the reminder (a signed link for
    this person and this booking)."""
    token = make_token(CANCEL_PURPOSE, booking.person_id, b=booking.pk)
    return settings.SITE_URL.rstrip("/") + reverse("events:cancel_link", args=[token])


def booking_ics(booking: Booking) -> bytes:
    """The booking's event as a calendar file (.ics) to attach to its emails."""
    event = booking.event
    site = settings.SITE_URL.rstrip("/")
    item = icalendar.Event()
    item.add("uid", f"event-{event.pk}@{urlsplit(site).hostname or 'partyhub'}")
    item.add("summary", event.title)
    item.add("dtstart", event.starts)
    item.add("dtend", event.ends)
    item.add("dtstamp", event.updated)
    item.add("description", event.description)
    item.add("location", ", ".join(p for p in (event.venue, event.address) if p))
    item.add("url", site + reverse("events:detail", args=[event.pk]))
    cal = icalendar.Calendar()
    cal.add("prodid", "-//partyhub//events//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    cal.add_component(item)
    return cal.to_ical()


def booking_from_cancel_token(token: str) -> Booking:
    """The booking a cancel link names; LinkInvalid / LinkExpired otherwise."""
    payload = read_token(
        token, CANCEL_PURPOSE, max_age=settings.COMMS_LINK_MAX_AGE_SECONDS
    )
    booking = (
        Booking.objects.select_related("event", "person")
        .filter(pk=payload.get("b"), person_id=payload.get("p"))
        .first()
    )
    if booking is None:
        raise LinkInvalid
    return booking
