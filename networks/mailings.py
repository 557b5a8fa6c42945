"""Mailings to community organisations: the report's "keep in touch with
voluntary organisations".

An officer writes a mailing for their constituency (optionally only some kinds of
organisation, or one ward) and sends it once. Each organisation that agreed to be
mailed and has a contact email gets one email, to its contact found or added as a
Person exactly as a Big Conversation invitation does; the others are listed for the
officer to contact by hand. The stable reminder key means nobody is mailed twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from networks.models import (
    CommunityOrganisation,
    OrganisationMailing,
    OrganisationMailingRecipient,
)
from networks.services import (
    NetworkError,
    contact_refuses_email,
    organisation_contact_person,
)
from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log
from partyhub.comms.reminders import reminder_schedule

if TYPE_CHECKING:
    from partyhub.accounts.models import User


REMINDER_ORG_MAILING = "network_org_mailing"

Recipient = OrganisationMailingRecipient


@dataclass(frozen=True)
class MailingCount:
    emailed: int
    to_contact_by_hand: int


def mailing_key(*, mailing_id: int, organisation_id: int) -> str:
    return f"orgmailing:{mailing_id}:{organisation_id}"


def mailing_organisations(mailing: OrganisationMailing) -> QuerySet:
    """The organisations a mailing is for: its constituency's, of the chosen kinds
    and ward if any."""
    orgs = CommunityOrganisation.objects.filter(constituency_id=mailing.constituency_id)
    if mailing.kinds:
        orgs = orgs.filter(kind__in=mailing.kinds)
    if mailing.ward_id:
        orgs = orgs.filter(ward_id=mailing.ward_id)
    return orgs.order_by("name", "pk")


def _mailable() -> Q:
    return Q(consent_to_mail=True) & ~Q(contact_email="")


def mailing_preview(mailing: OrganisationMailing) -> MailingCount:
    """How many organisations the mailing would email, and how many are to contact
    by hand (a contact who asked us never to email them is found only on sending)."""
    orgs = mailing_organisations(mailing)
    mailable = orgs.filter(_mailable()).count()
    return MailingCount(emailed=mailable, to_contact_by_hand=orgs.count() - mailable)


def _reason(org: CommunityOrganisation) -> str:
    if not org.consent_to_mail:
        return Recipient.Reason.NO_CONSENT
    return Recipient.Reason.NO_EMAIL


@transaction.atomic
def organisation_mailing_send(
    *, mailing: OrganisationMailing, actor: User | None
) -> MailingCount:
    """Send a mailing once to the organisations that agreed to be mailed; record
    every organisation it was for, emailed or to contact by hand."""
    mailing = OrganisationMailing.objects.select_for_update().get(pk=mailing.pk)
    if mailing.sent_at is not None:
        raise NetworkError(_("This mailing has already been sent."))
    emailed = by_hand = 0
    for org in mailing_organisations(mailing):
        if not (org.consent_to_mail and org.contact_email):
            Recipient.objects.create(
                mailing=mailing, organisation=org, status=Recipient.Status.BY_HAND,
                reason=_reason(org),
            )  # fmt: skip
            by_hand += 1
            continue
        person = organisation_contact_person(org)
        if contact_refuses_email(person):
            Recipient.objects.create(
                mailing=mailing, organisation=org, person=person,
                status=Recipient.Status.BY_HAND,
                reason=Recipient.Reason.CONTACT_SAID_NO,
            )  # fmt: skip
            by_hand += 1
            continue
        recipient = Recipient.objects.create(
            mailing=mailing, organisation=org, person=person,
            status=Recipient.Status.EMAILED,
        )  # fmt: skip
        reminder_schedule(
            kind=REMINDER_ORG_MAILING,
            person=person,
            due_at=timezone.now(),
            about=recipient,
            key=mailing_key(mailing_id=mailing.pk, organisation_id=org.pk),
        )
        emailed += 1
    mailing.sent_at = timezone.now()
    mailing.sent_by = actor if getattr(actor, "is_authenticated", False) else None
    mailing.save(update_fields=["sent_at", "sent_by"])
    audit_log(
        actor=actor,
        action=AuditAction.ORGANISATIONMAILING_SEND,
        obj=mailing,
        detail={"emailed": emailed, "by_hand": by_hand},
    )
    return MailingCount(emailed=emailed, to_contact_by_hand=by_hand)


# The reminder's wording: `about` is the recipient row (the organisation mailed).


def mailing_subject(reminder) -> str:
    return reminder.about.mailing.subject


def mailing_body(reminder) -> str:
    recipient = reminder.about
    greeting = _("Hello %(name)s,") % {"name": reminder.person.first_name}
    return f"{greeting}\n\n{recipient.mailing.body}"


def mailing_reason(reminder) -> str:
    return _(
        "You are getting this because %(organisation)s agreed to hear from the "
        "constituency Labour Party."
    ) % {"organisation": reminder.about.organisation.name}
