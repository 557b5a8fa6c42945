"""At the door: the list to tick, ticking, walk-ins."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Booking, Event
from events.services.booking import (
    EventsError,
    _check_audience,
    _fits,
    _lock,
)
from members.services import person_for_public_form
from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log

if TYPE_CHECKING:
    from partyhub.accounts.models import User


def with_new_member_flag(bookings: Any) -> Any:
    """Annotate `is_new`: the person joined (or rejoined) the party in the last
    NEW_MEMBER_DAYS, as the desk's welcome counts them (a subquery: no query per
    row)."""
    from django.db.models import Exists, OuterRef, Q

    from members.models import Membership
    from members.selectors import new_member_since

    since = new_member_since()
    return bookings.annotate(
        is_new=Exists(
            Membership.objects.filter(
                Q(joined__gte=since) | Q(rejoined_on__gte=since),
                person=OuterRef("person_id"),
            )
        )
    )


def door_list(*, event: Event, user: Any, query: str = "") -> Any:
    """Who may turn up (yes, maybe, waiting, or already checked in), the user's
    own people only, with new members marked (`is_new`) and their host."""
    from django.db.models import Q

    bookings = with_new_member_flag(
        Booking.objects.in_constituencies(user)
        .filter(event=event)
        .filter(
            Q(status__in=[Booking.Status.YES, Booking.Status.MAYBE,
                          Booking.Status.WAITING])
            | Q(attended_at__isnull=False)
        )
    ).select_related("person", "host").order_by(
        "person__last_name", "person__first_name", "pk"
    )  # fmt: skip
    for word in query.split():
        bookings = bookings.filter(
            Q(person__first_name__icontains=word) | Q(person__last_name__icontains=word)
        )
    return bookings


@transaction.atomic
def booking_attend(*, booking: Booking, attended: bool, actor: User | None) -> Booking:
    """Tick (or untick) somebody as here. Ticking twice keeps the first time.

    Somebody who said maybe, or was waiting, takes a place when ticked — if one
    is free: like a walk-in, they cannot take the event past its capacity."""
    event = _lock(booking.event)
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    fields = ["attended_at", "updated"]
    if attended and booking.attended_at is None:
        if booking.status != Booking.Status.YES:
            if not _fits(event, booking.places, event.places_taken()):
                raise EventsError(
                    _(
                        "The event is full (%(capacity)d places), so %(name)s "
                        "cannot be ticked in. To let them in, first cancel the "
                        "booking of somebody who has not come."
                    )
                    % {"capacity": event.capacity, "name": booking.person}
                )
            booking.status = Booking.Status.YES
            fields.append("status")
        booking.attended_at = timezone.now()
    elif not attended:
        booking.attended_at = None
    else:
        return booking
    booking.save(update_fields=fields)
    audit_log(
        actor=actor,
        action=AuditAction.EVENT_ATTENDED
        if attended
        else AuditAction.EVENT_ATTENDANCE_REMOVED,
        obj=booking,
        detail={"event": booking.event_id},
    )
    return booking


@transaction.atomic
def walk_in_add(
    *,
    event: Event,
    first_name: str,
    last_name: str,
    email: str,
    constituency_id: int,
    actor: User | None,
) -> Booking:
    """Somebody turned up without booking: find them by email in the event's
    constituencies (or make a new Person — never changing a known one's details,
    never recording consent), and record them as booked and here. A walk-in
    takes a free place: a full event or a members-only one for a non-member
    refuses them, and nothing is changed."""
    from members.models import Person

    event = _lock(event)
    clps = list(event.constituencies.order_by("pk").values_list("pk", flat=True))
    if constituency_id not in clps:
        raise EventsError(_("This event does not belong to your constituency."))
    if email:
        # The officer's own constituency first: a walk-in is theirs to record.
        person = person_for_public_form(
            email=email,
            constituency_ids=[
                constituency_id,
                *(c for c in clps if c != constituency_id),
            ],
            first_name=first_name,
            last_name=last_name,
        )
    else:
        person = Person.objects.create(
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            constituency_id=constituency_id,
        )
    # A members-only meeting stays members-only at the door too.
    _check_audience(event, person)
    booking = Booking.objects.filter(event=event, person=person).first()
    if booking is None or booking.status != Booking.Status.YES:
        # The capacity is the venue's: a walk-in takes a place only if one is free.
        places = booking.places if booking is not None else 1
        if not _fits(event, places, event.places_taken()):
            raise EventsError(
                _(
                    "The event is full (%(capacity)d places), so %(name)s cannot be "
                    "added. To let them in, first cancel the booking of somebody "
                    "who has not come."
                )
                % {"capacity": event.capacity, "name": person}
            )
    now = timezone.now()
    if booking is None:
        booking = Booking.objects.create(
            event=event,
            person=person,
            status=Booking.Status.YES,
            source=Booking.Source.OFFICER,
            attended_at=now,
        )
    else:
        booking.status = Booking.Status.YES
        booking.attended_at = booking.attended_at or now
        booking.save(update_fields=["status", "attended_at", "updated"])
    audit_log(
        actor=actor,
        action=AuditAction.EVENT_WALK_IN,
        obj=booking,
        detail={"event": event.pk},
    )
    return booking
