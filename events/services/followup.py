"""After the event: the thank-you with a feedback link; and Big Conversation
consultations (organisations invited, what was said, the report to those who
came)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Booking, Event, Invitation
from events.services.booking import (
    EventsError,
    _lock,
)
from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log
from partyhub.comms.models import Reminder
from partyhub.comms.reminders import reminder_schedule
from partyhub.links import LinkInvalid, make_token, read_token

if TYPE_CHECKING:
    from partyhub.accounts.models import User


REMINDER_THANK_YOU = "events.thank_you"
FEEDBACK_PURPOSE = "events.feedback"
# Thank-yous go out for events that ended in this window (a beat tick missed for a
# while still catches up; a newly installed system does not mail last year's events).
THANK_YOU_WINDOW = datetime.timedelta(days=3)
FEEDBACK_LINK_MAX_AGE = 60 * 60 * 24 * 60


def _keys_starting(prefix: str) -> set[str]:
    """Reminder keys already taken (one query; the unique key still guards a race:
    reminder_schedule gets the existing row)."""
    return set(
        Reminder.objects.filter(key__startswith=prefix).values_list("key", flat=True)
    )


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
        prefix = f"{REMINDER_THANK_YOU}:{event.pk}:"
        done = _keys_starting(prefix)
        for booking in attendees(event).select_related("person"):
            key = f"{prefix}{booking.person_id}"
            if key in done:
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
    # The words are theirs: the log keeps the rating only.
    audit_log(
        actor=None,
        action=AuditAction.EVENT_FEEDBACK_RECORDED,
        obj=feedback,
        detail={"rating": rating},
    )
    return feedback


REMINDER_ORG_INVITATION = "events.org_invitation"
REMINDER_CONSULTATION_REPORT = "events.consultation_report"


@dataclass(frozen=True)
class OrganisationInviteResult:
    emailed: int
    to_contact_by_hand: int  # no consent to mail, or no address
    already: int


@transaction.atomic
def organisations_invite(
    *, event: Event, organisations: Any, actor: User | None
) -> OrganisationInviteResult:
    """Invite community organisations to a Big Conversation, once each. An
    organisation that agreed to be mailed has its contact emailed an invitation
    with their own RSVP link (the contact is found or added as a Person — never
    changing a known one, recording no consent of their own); the others are
    listed for the officer to phone or write to."""
    from events.models import OrganisationInvite
    from networks.services import contact_refuses_email, organisation_contact_person

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
        person = organisation_contact_person(org)
        if contact_refuses_email(person):
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
        action=AuditAction.EVENT_ORGANISATIONS_INVITED,
        obj=event,
        detail={"emailed": emailed, "by_hand": by_hand, "already": already},
    )
    return OrganisationInviteResult(
        emailed=emailed, to_contact_by_hand=by_hand, already=already
    )


@transaction.atomic
def consultation_report_send(*, consultation: Any, actor: User | None) -> int:
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
    prefix = f"{REMINDER_CONSULTATION_REPORT}:{consultation.pk}:"
    done = _keys_starting(prefix)
    for booking in attendees(event).select_related("person"):
        key = f"{prefix}{booking.person_id}"
        if key in done:
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
        action=AuditAction.EVENT_CONSULTATION_REPORT_SENT,
        obj=consultation,
        detail={"scheduled": scheduled},
    )
    return scheduled
