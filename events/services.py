"""Event workflows: booking, cancelling, the waiting list, publishing, cancelling
an event. Every booking change locks the event row so two people can never take
the last place at once."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.models import Booking, Event, Invitation
from members.services import person_for_public_form
from partyhub.audit.services import audit_log
from partyhub.comms.models import Reminder
from partyhub.comms.reminders import reminder_cancel, reminder_schedule
from partyhub.links import LinkExpired, LinkInvalid, make_token, read_token
from partyhub.ratelimit import hourly_allowance_take
from supporters.signup import supporter_signup

REMINDER_DAY_BEFORE = "events.day_before"
REMINDER_ON_THE_DAY = "events.on_the_day"
REMINDER_PLACE_FREED = "events.place_freed"
REMINDER_EVENT_CANCELLED = "events.event_cancelled"

# Answers a person gives; "waiting" and "cancelled" are the system's.
ANSWERS = (Booking.Status.YES, Booking.Status.NO, Booking.Status.MAYBE)


class EventsError(ValidationError):
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


def _promote_waiting(event: Event, actor: Any) -> list[Booking]:
    """First come, first served: promote from the head of the waiting list while
    the next one fits (nobody jumps the queue with a smaller party)."""
    promoted = []
    taken = event.places_taken()
    for booking in event.bookings.filter(status=Booking.Status.WAITING).order_by(
        "created", "pk"
    ):
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
            action="event.booking_promoted",
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
    actor: Any,
) -> Booking:
    """Record a person's answer; a yes beyond capacity goes on the waiting list.

    Answering again updates the one booking (double clicks make one booking)."""
    if answer not in ANSWERS:
        raise EventsError(_("Please answer yes, no or maybe."))
    if guests < 0:
        raise EventsError(_("The number of guests cannot be negative."))
    event = _lock(event)
    if event.status != Event.Status.PUBLISHED:
        raise EventsError(_("This event is not open for booking."))
    if event.ends < timezone.now():
        raise EventsError(_("This event is over."))
    _check_audience(event, person)

    booking = Booking.objects.filter(event=event, person=person).first()
    was_yes = booking is not None and booking.status == Booking.Status.YES
    status = answer
    if answer == Booking.Status.YES:
        taken = event.places_taken() - (booking.places if was_yes else 0)
        if not _fits(event, 1 + guests, taken):
            status = Booking.Status.WAITING
            # Someone already on the waiting list keeps their place in the queue.
    if booking is None:
        booking = Booking.objects.create(
            event=event, person=person, status=status, guests=guests, source=source
        )
    else:
        booking.status = status
        booking.guests = guests
        booking.save(update_fields=["status", "guests", "updated"])
    booking.event = event

    if status == Booking.Status.YES:
        _schedule_day_before(booking)
    else:
        reminder_cancel(about=booking, kind=REMINDER_DAY_BEFORE)
        reminder_cancel(about=booking, kind=REMINDER_ON_THE_DAY)
    audit_log(
        actor=actor,
        action="event.rsvp",
        obj=booking,
        detail={
            "event": event.pk,
            "status": status,
            "guests": guests,
            "source": source,
        },
    )
    if was_yes and status != Booking.Status.YES:
        _promote_waiting(event, actor)
    return booking


@transaction.atomic
def rsvp_cancel(*, booking: Booking, actor: Any) -> list[Booking]:
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
        action="event.booking_cancelled",
        obj=booking,
        detail={"event": event.pk},
    )
    return _promote_waiting(event, actor)


@transaction.atomic
def waiting_list_promote(*, event: Event, actor: Any) -> list[Booking]:
    """Give places to the waiting list after the event changed (more capacity),
    first come, first served. Returns the bookings promoted."""
    event = _lock(event)
    if event.status != Event.Status.PUBLISHED or event.ends < timezone.now():
        return []
    return _promote_waiting(event, actor)


@transaction.atomic
def event_publish(*, event: Event, actor: Any) -> Event:
    event = _lock(event)
    if event.status == Event.Status.CANCELLED:
        raise EventsError(_("A cancelled event cannot be published."))
    if event.status != Event.Status.PUBLISHED:
        event.status = Event.Status.PUBLISHED
        event.save(update_fields=["status", "updated"])
        audit_log(actor=actor, action="event.published", obj=event)
    return event


@transaction.atomic
def event_cancel(*, event: Event, actor: Any) -> Event:
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
        action="event.cancelled",
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

PUBLIC_BOOKINGS_PER_IP_PER_HOUR = 20


def public_booking_allowance_take(*, ip: str) -> bool:
    """Count a public booking POST from `ip`; False once the hour's allowance is
    used (settings.EVENTS_PUBLIC_BOOKINGS_PER_IP_PER_HOUR overrides the default)."""
    limit = getattr(
        settings,
        "EVENTS_PUBLIC_BOOKINGS_PER_IP_PER_HOUR",
        PUBLIC_BOOKINGS_PER_IP_PER_HOUR,
    )
    return hourly_allowance_take("events:public-booking-ip", ip, limit)


@dataclass(frozen=True)
class PublicRsvp:
    booking: Booking
    created: bool
    # A confirmation email is on its way for the marketing consent ticked.
    consent_pending: bool = False


@transaction.atomic
def rsvp_public(*, event: Event, data: dict[str, Any]) -> PublicRsvp:
    """A booking from the public event page, by name and email.

    The visitor becomes a Person in the event's constituency — the same Person
    when the email is already known there. An unverified address never changes
    an existing booking or record: a visitor cannot cancel or alter somebody
    else's booking by typing their email. Consent is recorded only for the
    boxes ticked, with the wording shown."""
    if event.audience != Event.Audience.PUBLIC:
        raise EventsError(_("This event is not open to the public."))
    # Lock first: a double click's second request waits here, then finds the
    # Person the first one created (one Person, one booking).
    event = _lock(event)
    person = person_for_public_form(
        email=data["email"],
        constituency_ids=list(
            event.constituencies.order_by("pk").values_list("pk", flat=True)
        ),
        first_name=data["first_name"],
        last_name=data["last_name"],
    )
    booking = Booking.objects.filter(event=event, person=person).first()
    created = booking is None
    if created:
        booking = rsvp_create(
            event=event,
            person=person,
            answer=Booking.Status.YES,
            guests=data.get("guests") or 0,
            source=Booking.Source.PUBLIC,
            actor=None,
        )
    consents = {
        channel: str(wording)
        for channel, wording in CONSENT_WORDING.items()
        if data.get(f"consent_{channel}")
    }
    if consents:
        supporter_signup(
            data={
                "first_name": data["first_name"].strip(),
                "last_name": data["last_name"].strip(),
                "email": data["email"].strip(),
                "postcode": data.get("postcode") or "",
                "phone": "",
                "offers": [],
                "consents": consents,
                "form_constituency": person.constituency_id,
            },
            constituency=person.constituency,
        )
    return PublicRsvp(booking=booking, created=created, consent_pending=bool(consents))


CANCEL_PURPOSE = "events.cancel"


def booking_cancel_url(booking: Booking) -> str:
    """'I can't come any more' in one click, from the reminder (a signed link for
    this person and this booking)."""
    token = make_token(CANCEL_PURPOSE, booking.person_id, b=booking.pk)
    return settings.SITE_URL.rstrip("/") + reverse("events:cancel_link", args=[token])


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


# --- invitations with a personal RSVP link -------------------------------------------

REMINDER_INVITATION = "events.invitation"
RSVP_PURPOSE = "events.rsvp"


@dataclass(frozen=True)
class InvitationResult:
    invited: int
    already: int
    not_eligible: int  # not a member (members-only event) or no email address


@transaction.atomic
def invitations_send(*, event: Event, people: Any, actor: Any) -> InvitationResult:
    """Invite people to an event: one Invitation each and one email each, once
    (inviting someone again sends nothing). The email carries a signed link for
    that person to answer without logging in. Invitations are marketing: they go
    only to people who may be emailed about events when the email is sent."""
    event = _lock(event)
    if event.status != Event.Status.PUBLISHED or event.ends < timezone.now():
        raise EventsError(_("Only a published event still to come can be invited to."))
    invited = already = not_eligible = 0
    existing = set(event.invitations.values_list("person_id", flat=True))
    members: set[int] | None = None
    if event.audience == Event.Audience.MEMBERS:
        from members.models import Membership

        members = set(
            Membership.objects.in_good_standing()
            .filter(person__in=people.values("pk"))
            .values_list("person_id", flat=True)
        )
    for person in people.iterator():
        if person.pk in existing:
            already += 1
            continue
        if not person.email or (members is not None and person.pk not in members):
            not_eligible += 1
            continue
        invitation = Invitation.objects.create(
            event=event,
            person=person,
            sent_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        reminder_schedule(
            kind=REMINDER_INVITATION,
            person=person,
            due_at=timezone.now(),
            about=invitation,
            key=f"{REMINDER_INVITATION}:{invitation.pk}",
        )
        invited += 1
    audit_log(
        actor=actor,
        action="event.invitations_sent",
        obj=event,
        detail={"invited": invited, "already": already, "not_eligible": not_eligible},
    )
    return InvitationResult(invited=invited, already=already, not_eligible=not_eligible)


def invitation_rsvp_url(invitation: Invitation) -> str:
    """The invited person's own link: it books for them and nobody else, and stops
    working when the event ends."""
    token = make_token(RSVP_PURPOSE, invitation.person_id, i=invitation.pk)
    return settings.SITE_URL.rstrip("/") + reverse("events:invitation", args=[token])


def invitation_from_token(token: str) -> Invitation:
    """The invitation a link names; LinkInvalid (altered, or not this person's) or
    LinkExpired (the event is over)."""
    payload = read_token(
        token, RSVP_PURPOSE, max_age=settings.COMMS_LINK_MAX_AGE_SECONDS
    )
    invitation = (
        Invitation.objects.select_related("event", "person")
        .filter(pk=payload.get("i"), person_id=payload.get("p"))
        .first()
    )
    if invitation is None:
        raise LinkInvalid
    if invitation.event.ends < timezone.now():
        raise LinkExpired
    return invitation


def rsvp_by_invitation(*, invitation: Invitation, answer: str, guests: int) -> Booking:
    """The invited person answers from their link (the link is their proof)."""
    return rsvp_create(
        event=invitation.event,
        person=invitation.person,
        answer=answer,
        guests=guests,
        source=Booking.Source.LINK,
        actor=None,
    )


# --- after the event: thank-you and feedback -------------------------------------------

REMINDER_THANK_YOU = "events.thank_you"
FEEDBACK_PURPOSE = "events.feedback"
# Thank-yous go out for events that ended in this window (a beat tick missed for a
# while still catches up; a newly installed system does not mail last year's events).
THANK_YOU_WINDOW = datetime.timedelta(days=3)
FEEDBACK_LINK_MAX_AGE = 60 * 60 * 24 * 60


def attendees(event: Event) -> Any:
    """The bookings of those who came: checked in, or — when nobody was checked in
    at the door — those booked yes."""
    checked_in = event.bookings.filter(attended_at__isnull=False)
    if checked_in.exists():
        return checked_in
    return event.bookings.filter(status=Booking.Status.YES)


def thank_yous_schedule(*, now: datetime.datetime | None = None) -> int:
    """Schedule one thank-you (with a feedback link) per attendee of events that
    have just ended. Safe to run any number of times: one reminder per (event,
    person) by its key. Returns how many were newly scheduled."""
    now = now or timezone.now()
    events = Event.objects.filter(
        status=Event.Status.PUBLISHED, ends__lte=now, ends__gte=now - THANK_YOU_WINDOW
    )
    scheduled = 0
    for event in events:
        for booking in attendees(event).select_related("person"):
            key = f"{REMINDER_THANK_YOU}:{event.pk}:{booking.person_id}"
            if Reminder.objects.filter(key=key).exists():
                continue
            reminder_schedule(
                kind=REMINDER_THANK_YOU,
                person=booking.person,
                due_at=now,
                about=event,
                key=key,
            )
            scheduled += 1
    return scheduled


def feedback_url(*, event: Event, person_id: int) -> str:
    token = make_token(FEEDBACK_PURPOSE, person_id, e=event.pk)
    return settings.SITE_URL.rstrip("/") + reverse("events:feedback", args=[token])


def feedback_target_from_token(token: str) -> tuple[Event, Any]:
    """(event, person) a feedback link names; LinkInvalid / LinkExpired otherwise."""
    from members.models import Person

    payload = read_token(token, FEEDBACK_PURPOSE, max_age=FEEDBACK_LINK_MAX_AGE)
    event = Event.objects.filter(pk=payload.get("e")).first()
    person = Person.objects.filter(pk=payload.get("p")).first()
    if event is None or person is None:
        raise LinkInvalid
    return event, person


@transaction.atomic
def feedback_record(*, event: Event, person: Any, rating: int, comment: str) -> Any:
    """One piece of feedback per person per event; sending again replaces it."""
    from events.models import Feedback

    if rating not in range(1, 6):
        raise EventsError(_("Please choose a rating from 1 to 5."))
    feedback, _created = Feedback.objects.update_or_create(
        event=event, person=person, defaults={"rating": rating, "comment": comment}
    )
    return feedback


# --- at the door ----------------------------------------------------------------------

NEW_MEMBER_DAYS = 183  # "new": joined in the last six months


def door_list(*, event: Event, user: Any, query: str = "") -> Any:
    """Who may turn up (yes, maybe, waiting, or already checked in), the user's
    own people only, with new members marked (`is_new`) and their host."""
    from django.db.models import Exists, OuterRef, Q

    from members.models import Membership

    since = timezone.localdate() - datetime.timedelta(days=NEW_MEMBER_DAYS)
    bookings = (
        Booking.objects.in_constituencies(user)
        .filter(event=event)
        .filter(
            Q(status__in=[Booking.Status.YES, Booking.Status.MAYBE,
                          Booking.Status.WAITING])
            | Q(attended_at__isnull=False)
        )
        .annotate(
            is_new=Exists(
                Membership.objects.filter(person=OuterRef("person_id"),
                                          joined__gte=since)
            )
        )
        .select_related("person", "host")
        .order_by("person__last_name", "person__first_name", "pk")
    )  # fmt: skip
    for word in query.split():
        bookings = bookings.filter(
            Q(person__first_name__icontains=word) | Q(person__last_name__icontains=word)
        )
    return bookings


@transaction.atomic
def booking_attend(*, booking: Booking, attended: bool, actor: Any) -> Booking:
    """Tick (or untick) somebody as here. Ticking twice keeps the first time."""
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if attended and booking.attended_at is None:
        booking.attended_at = timezone.now()
    elif not attended:
        booking.attended_at = None
    else:
        return booking
    booking.save(update_fields=["attended_at", "updated"])
    audit_log(
        actor=actor,
        action="event.attended" if attended else "event.attendance_removed",
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
    actor: Any,
) -> Booking:
    """Somebody turned up without booking: find them by email in the event's
    constituencies (or make a new Person — never changing a known one's details,
    never recording consent), and record them as booked and here. The door does
    not turn people away, so capacity is not checked."""
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
    booking = Booking.objects.filter(event=event, person=person).first()
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
        action="event.walk_in",
        obj=booking,
        detail={"event": event.pk},
    )
    return booking


# --- a member's private calendar feed -------------------------------------------------

FEED_PURPOSE = "events.my_feed"
# Calendar apps keep polling a feed for years; the link is a secret, not a session.
FEED_MAX_AGE = 60 * 60 * 24 * 365 * 10


def personal_feed_url(person: Any) -> str:
    token = make_token(FEED_PURPOSE, person.pk)
    return settings.SITE_URL.rstrip("/") + reverse("events:my_feed", args=[token])


def person_from_feed_token(token: str) -> Any:
    from members.models import Person

    payload = read_token(token, FEED_PURPOSE, max_age=FEED_MAX_AGE)
    person = Person.objects.filter(pk=payload.get("p")).first()
    if person is None:
        raise LinkInvalid
    return person


# --- Big Conversation consultations ----------------------------------------------------

REMINDER_ORG_INVITATION = "events.org_invitation"
REMINDER_CONSULTATION_REPORT = "events.consultation_report"


@dataclass(frozen=True)
class OrganisationInviteResult:
    emailed: int
    to_contact_by_hand: int  # no consent to mail, or no address
    already: int


def _split_name(contact_name: str, fallback: str) -> tuple[str, str]:
    first, _sep, last = contact_name.strip().partition(" ")
    return (first or fallback)[:100], last[:100]


@transaction.atomic
def organisations_invite(
    *, event: Event, organisations: Any, actor: Any
) -> OrganisationInviteResult:
    """Invite community organisations to a Big Conversation, once each. An
    organisation that agreed to be mailed has its contact emailed an invitation
    with their own RSVP link (the contact is found or added as a Person — never
    changing a known one, recording no consent of their own); the others are
    listed for the officer to phone or write to."""
    from events.models import OrganisationInvite
    from partyhub.comms.consent import current_consents

    event = _lock(event)
    if event.kind != Event.Kind.BIG_CONVERSATION:
        raise EventsError(_("Only a Big Conversation invites community organisations."))
    if event.status != Event.Status.PUBLISHED or event.ends < timezone.now():
        raise EventsError(_("Only a published event still to come can be invited to."))
    if event.audience == Event.Audience.MEMBERS:
        raise EventsError(_("A members-only event cannot invite organisations."))
    emailed = by_hand = already = 0
    for org in organisations:
        invite, created = OrganisationInvite.objects.get_or_create(
            event=event, organisation=org
        )
        if not created:
            already += 1
            continue
        if not (org.consent_to_mail and org.contact_email):
            by_hand += 1
            continue
        first, last = _split_name(org.contact_name, org.name)
        person = person_for_public_form(
            email=org.contact_email,
            constituency_ids=[org.constituency_id],
            first_name=first,
            last_name=last,
        )
        said = current_consents(person)
        if said.get(("any", "")) is False or said.get(("email", "")) is False:
            by_hand += 1  # the person asked us never to email them
            continue
        invitation, _new = Invitation.objects.get_or_create(
            event=event,
            person=person,
            defaults={"sent_by": actor if getattr(actor, "is_authenticated", False)
                      else None},
        )  # fmt: skip
        invite.invitation = invitation
        invite.save(update_fields=["invitation"])
        reminder_schedule(
            kind=REMINDER_ORG_INVITATION,
            person=person,
            due_at=timezone.now(),
            about=invitation,
            key=f"{REMINDER_ORG_INVITATION}:{invite.pk}",
        )
        emailed += 1
    audit_log(
        actor=actor,
        action="event.organisations_invited",
        obj=event,
        detail={"emailed": emailed, "by_hand": by_hand, "already": already},
    )
    return OrganisationInviteResult(
        emailed=emailed, to_contact_by_hand=by_hand, already=already
    )


@transaction.atomic
def consultation_report_send(*, consultation: Any, actor: Any) -> int:
    """Email the consultation's report to everyone who came, once each (sending
    again mails nobody twice). Returns how many were newly scheduled."""
    from events.models import Consultation

    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    event = consultation.event
    if event.ends > timezone.now():
        raise EventsError(_("The report can be sent once the event is over."))
    if not consultation.report.strip():
        raise EventsError(_("Write the report before sending it."))
    scheduled = 0
    for booking in attendees(event).select_related("person"):
        key = f"{REMINDER_CONSULTATION_REPORT}:{consultation.pk}:{booking.person_id}"
        if Reminder.objects.filter(key=key).exists():
            continue
        reminder_schedule(
            kind=REMINDER_CONSULTATION_REPORT,
            person=booking.person,
            due_at=timezone.now(),
            about=consultation,
            key=key,
        )
        scheduled += 1
    if consultation.report_sent_at is None:
        consultation.report_sent_at = timezone.now()
        consultation.save(update_fields=["report_sent_at", "updated"])
    audit_log(
        actor=actor,
        action="event.consultation_report_sent",
        obj=consultation,
        detail={"scheduled": scheduled},
    )
    return scheduled
