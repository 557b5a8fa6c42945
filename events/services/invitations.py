"""Invitations with a personal signed RSVP link, and a member's private
calendar feed (another personal link)."""

from __future__ import annotations

import secrets
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
    rsvp_create,
)
from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log
from partyhub.comms.reminders import reminder_schedule
from partyhub.links import LinkExpired, LinkInvalid, make_token, read_token

if TYPE_CHECKING:
    from partyhub.accounts.models import User


REMINDER_INVITATION = "events.invitation"
RSVP_PURPOSE = "events.rsvp"


@dataclass(frozen=True)
class InvitationResult:
    invited: int
    already: int
    not_eligible: int  # not a member (members-only event) or no email address


@transaction.atomic
def invitations_send(
    *, event: Event, people: Any, actor: User | None
) -> InvitationResult:
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
        action=AuditAction.EVENT_INVITATIONS_SENT,
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


FEED_PURPOSE = "events.my_feed"
# Calendar apps keep polling a feed for years; the link is a secret, not a session.
FEED_MAX_AGE = 60 * 60 * 24 * 365 * 10


def _feed_key(person_id: int) -> str | None:
    from events.models import FeedKey

    return (
        FeedKey.objects.filter(person_id=person_id)
        .values_list("key", flat=True)
        .first()
    )


def personal_feed_url(person: Any) -> str:
    """The person's private calendar address. Until they first ask for a new one
    it carries no key (addresses given out before keys existed keep working)."""
    key = _feed_key(person.pk)
    extra = {"k": key} if key else {}
    token = make_token(FEED_PURPOSE, person.pk, **extra)
    return settings.SITE_URL.rstrip("/") + reverse("events:my_feed", args=[token])


def person_from_feed_token(token: str) -> Any:
    """The person a calendar address names; LinkInvalid if it was altered or the
    person has asked for a new address since."""
    from members.models import Person

    payload = read_token(token, FEED_PURPOSE, max_age=FEED_MAX_AGE)
    person = Person.objects.filter(pk=payload.get("p")).first()
    if person is None or payload.get("k") != _feed_key(person.pk):
        raise LinkInvalid
    return person


@transaction.atomic
def personal_feed_reset(*, person: Any, actor: User | None) -> str:
    """A new private calendar address: every address given out before stops
    working (the person shared it by mistake). Returns the new address."""
    from events.models import FeedKey

    FeedKey.objects.update_or_create(
        person=person, defaults={"key": secrets.token_urlsafe(24)}
    )
    audit_log(actor=actor, action=AuditAction.EVENT_FEED_RESET, obj=person)
    return personal_feed_url(person)
