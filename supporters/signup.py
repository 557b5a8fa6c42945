"""Joining and leaving the supporters' club (report 3.2, Reading West).

Double opt-in: the form only stores a SignupRequest and mails a signed link; the
Person, the Supporter and the consent ledger change when the link is confirmed
with a POST. Nothing a stranger types can alter an existing record, and nothing
the pages say reveals whether an address was already known.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from email.utils import formataddr
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Constituency, Membership, Person, Transfer
from members.services import postcode_lookup
from members.transfers import transfers_after_placement
from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log
from partyhub.comms.consent import consent_record, current_consents
from partyhub.comms.models import Channel, Method
from partyhub.dataprotection.templatetags.privacy import privacy_url
from partyhub.links import LinkExpired, LinkInvalid, make_token, read_token
from partyhub.locks import hold
from partyhub.queueing import enqueue_on_commit
from partyhub.ratelimit import hourly_allowance_take
from supporters.models import HelpOffer, SignupRequest, Supporter

if TYPE_CHECKING:
    from partyhub.accounts.models import User


log = logging.getLogger(__name__)

CONFIRM_PURPOSE = "supporter-confirm"
LEAVE_CHOICE = "supporters-leave"


# --- abuse: per-IP allowance ------------------------------------------------------


def signup_ip_allowance_take(*, ip: str) -> bool:
    """Count a signup POST from `ip`; False once the hourly allowance is used up.

    A fixed one-hour window in the shared cache (Redis in production), so every
    web process counts together. add() then incr() is atomic in Redis.
    """
    return hourly_allowance_take(
        "supporters:signup-ip", ip, settings.SUPPORTERS_SIGNUPS_PER_IP_PER_HOUR
    )


# --- signing up ---------------------------------------------------------------------


def _lock_address(email: str) -> None:
    """Serialise work on one address (whatever its case) until the transaction
    ends."""
    hold(f"supporters-signup:{email.strip().lower()}")


def _recently_mailed(
    email: str,
    *,
    kind: str = SignupRequest.Kind.SUPPORTER,
    about_id: int = 0,
    now=None,
    exclude_pk: int | None = None,
) -> bool:
    since = (now or timezone.now()) - timedelta(
        seconds=settings.SUPPORTERS_CONFIRMATION_INTERVAL_SECONDS
    )
    sent = SignupRequest.objects.filter(
        email=email, kind=kind, about_id=about_id, confirmation_sent_at__gte=since
    )
    if exclude_pk is not None:
        sent = sent.exclude(pk=exclude_pk)
    return sent.exists()


@transaction.atomic
def supporter_signup(
    *, data: dict[str, Any], constituency: Constituency | None
) -> SignupRequest:
    """Store what was submitted and mail a confirmation link after commit.

    Changes no Person. The request belongs to the constituency the postcode lookup
    places the person in, else the form's (None on the national form). At most one
    confirmation email per address per hour: later requests are stored, not mailed.
    """
    return pending_request_create(
        kind=SignupRequest.Kind.SUPPORTER, data=data, constituency=constituency
    )


@transaction.atomic
def pending_request_create(
    *,
    kind: str,
    data: dict[str, Any],
    constituency: Constituency | None,
    about_id: int = 0,
) -> SignupRequest:
    """Hold what a public form asked for (`kind`, registered with
    register_pending) until the address confirms it; mail the link after commit.

    Changes no Person. At most one confirmation email per address, kind and
    petition or event an hour: later requests are stored, not mailed.
    """
    from supporters import tasks

    # A signup belongs to the local party of its postcode; a signature or a
    # booking to the party whose petition or event it is (it sends the email).
    found = (
        postcode_lookup(data.get("postcode") or "")
        if kind == SignupRequest.Kind.SUPPORTER
        else None
    )
    request = SignupRequest.objects.create(
        kind=kind,
        about_id=about_id,
        email=data["email"].strip().lower(),
        data=data,
        constituency_id=found.constituency_id
        if found
        else getattr(constituency, "pk", None),
    )
    # A cheap early "no" for floods; the task decides for certain under a lock.
    if not _recently_mailed(request.email, kind=kind, about_id=about_id):
        # Broker down: the visitor still gets the normal page, and the ten-minute
        # sweep (signup_confirmations_send_missed) sends it.
        enqueue_on_commit(tasks.send_confirmation, request.pk)
    return request


# --- other kinds of pending request --------------------------------------------------


@dataclass(frozen=True)
class PendingKind:
    """How a kind of pending request is mailed and confirmed.

    `asked(request)` is the sentence for the email and the confirm page ("sign the
    petition “Save the library”"); `confirm(request)` does what was asked, under
    the address's lock, and returns the template and context of the page to show.
    """

    subject: Any
    asked: Callable[[SignupRequest], str]
    confirm: Callable[[SignupRequest], tuple[str, dict[str, Any]]]


_PENDING: dict[str, PendingKind] = {}


def register_pending(kind: str, pending: PendingKind) -> None:
    """Call from an AppConfig.ready(): petitions and public bookings register theirs."""
    _PENDING[kind] = pending


def pending_kind(kind: str) -> PendingKind | None:
    return _PENDING.get(kind)


def lock_address(email: str) -> None:
    """Serialise the confirmation of one address until the transaction ends."""
    _lock_address(email.strip().lower())


def confirm_url(signup_request: SignupRequest) -> str:
    token = make_token(CONFIRM_PURPOSE, signup_request.pk)
    return settings.SITE_URL.rstrip("/") + reverse("supporters:confirm", args=[token])


def signup_confirmation_send(*, signup_request_id: int) -> bool:
    """Send the confirmation email once; True if this call sent it.

    Transactional mail (they asked for it), so it needs no consent; it says who sent
    it and what to do if it was not them. The per-address limit is checked under an
    advisory lock on the address, so two requests racing in two workers cannot both
    mail it; the compare-and-set on confirmation_sent_at stops a repeated task.
    """
    with transaction.atomic():
        request = (
            SignupRequest.objects.select_related("constituency")
            .filter(pk=signup_request_id, confirmed_at__isnull=True)
            .first()
        )
        if request is None or request.confirmation_sent_at is not None:
            return False
        _lock_address(request.email)
        if _recently_mailed(
            request.email,
            kind=request.kind,
            about_id=request.about_id,
            exclude_pk=request.pk,
        ):
            return False
        claimed = SignupRequest.objects.filter(
            pk=request.pk, confirmation_sent_at__isnull=True
        ).update(confirmation_sent_at=timezone.now())
        if claimed != 1:
            return False
    try:
        _confirmation_email(request).send()
    except Exception:
        # Not accepted by the mail server: free the claim so a retry can send it.
        SignupRequest.objects.filter(pk=request.pk).update(confirmation_sent_at=None)
        raise
    return True


def _confirmation_email(request: SignupRequest) -> EmailMultiAlternatives:
    clp = request.constituency
    sender = clp.name if clp else _("The supporters' club")
    context = {
        "first_name": request.data.get("first_name", ""),
        "sender": sender,
        "postal_address": clp.postal_address if clp else "",
        "contact_email": clp.contact_email if clp else "",
        "confirm_url": confirm_url(request),
        "days": max(1, settings.SUPPORTERS_CONFIRM_MAX_AGE_SECONDS // 86400),
        "privacy_url": privacy_url(clp, absolute=True),
    }
    subject = _("Please confirm you want to join the supporters' club")
    template = "supporters/email/confirm"
    pending = pending_kind(request.kind)
    if pending is not None:
        subject = str(pending.subject)
        template = "supporters/email/confirm_pending"
        context["asked"] = pending.asked(request)
    email = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        from_email=formataddr((str(sender), settings.COMMS_FROM_ADDRESS)),
        to=[request.data.get("email") or request.email],
        reply_to=[clp.contact_email] if clp and clp.contact_email else [],
    )
    email.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return email


# --- confirming ---------------------------------------------------------------------


class SignupGone(Exception):
    """The link is genuine but its signup no longer exists (purged)."""


def signup_request_from_token(token: str) -> SignupRequest:
    """Raises LinkExpired, LinkInvalid or SignupGone."""
    payload = read_token(
        token, CONFIRM_PURPOSE, max_age=settings.SUPPORTERS_CONFIRM_MAX_AGE_SECONDS
    )
    request = (
        SignupRequest.objects.select_related("constituency")
        .filter(pk=payload["p"])
        .first()
    )
    if request is None:
        raise SignupGone
    return request


def _find_person(email: str, constituency_id: int | None) -> Person | None:
    """The Person with this email, preferring one in the constituency, then a
    member, then the oldest record."""
    people = Person.objects.filter(email__iexact=email).annotate(
        here=Case(
            When(constituency_id=constituency_id, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        is_member=Exists(Membership.objects.filter(person=OuterRef("pk"))),
    )
    return (
        people.select_for_update(of=("self",))
        .order_by("here", "-is_member", "pk")
        .first()
    )


_CONSENT_METHODS = {
    Supporter.Source.PETITION: Method.PETITION,
    Supporter.Source.EVENT: Method.EVENT,
}


@dataclass
class Confirmation:
    supporter: Supporter
    already: bool


@transaction.atomic
def supporter_confirm(
    *, signup_request: SignupRequest, actor: User | None = None
) -> Confirmation:
    """Make the Person a confirmed supporter and record the consent they gave.

    Idempotent: a request confirmed before (a double click, a second visit) returns
    the same supporter and records nothing again.
    """
    # Two confirmations for one new address (two requests, two tabs) must not
    # create two People: they queue on the address.
    _lock_address(signup_request.email)
    request = SignupRequest.objects.select_for_update().get(pk=signup_request.pk)
    data = request.data
    found = postcode_lookup(data.get("postcode", ""))
    constituency_id = (
        found.constituency_id if found else request.constituency_id
    ) or data.get("form_constituency")
    person = _find_person(data["email"], constituency_id)

    if request.confirmed_at is not None:
        supporter = Supporter.objects.filter(person=person).first() if person else None
        if supporter is None:
            # Confirmed once, and the person or their supporter record has since
            # been erased: an old link must not bring them back.
            raise SignupGone
        return Confirmation(supporter=supporter, already=True)

    created = person is None
    if created:
        person = Person(
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            phone=data.get("phone", ""),
        )
    else:
        # Rule for an existing Person (a member, or someone an officer keeps): the
        # link proves the address, not that the typed details beat what an officer
        # entered or the membership import holds. So names and phone only fill
        # blanks. The postcode is different: people move, and the lookup is what
        # links them to the right local party, so it is updated with the placement.
        for field in ("first_name", "last_name", "phone"):
            if not getattr(person, field) and data.get(field):
                setattr(person, field, data[field])
    elsewhere = None
    postcode_changed = person.postcode != data["postcode"]
    if postcode_changed or created:
        person.postcode = data["postcode"]
        if found is not None and person.constituency_id not in (
            None,
            found.constituency_id,
        ):
            # Known in another CLP: a signup never moves them there by itself
            # (issue 13.1). They stay home with no ward; the new CLP decides.
            person.ward_id = None
            elsewhere = found
        elif found is not None:
            person.constituency_id = found.constituency_id
            person.ward_id = found.ward_id
        else:
            person.ward_id = None
            if person.constituency_id is None:
                person.constituency_id = constituency_id
    person.save()
    if postcode_changed and not created:
        transfers_after_placement(
            person=person,
            elsewhere=elsewhere,
            source=Transfer.Source.SIGNUP,
            actor=actor,
        )

    supporter = Supporter.objects.filter(person=person).first()
    today = timezone.localdate()
    # Other public forms (a petition) reuse this double opt-in and say where the
    # signup came from; the consent ledger records that form as the method.
    source = data.get("source") or Supporter.Source.FORM
    if source not in Supporter.Source.values:
        source = Supporter.Source.FORM
    method = _CONSENT_METHODS.get(source, Method.SIGNUP_FORM)
    if supporter is None:
        supporter = Supporter(person=person, source=source, joined=today)
    elif supporter.status == Supporter.Status.LEFT or supporter.joined is None:
        supporter.joined, supporter.left = today, None
    supporter.status = Supporter.Status.CONFIRMED
    supporter.constituency_id = person.constituency_id
    supporter.needs_review = found is None
    supporter.save()
    supporter.offers.set(HelpOffer.objects.filter(pk__in=data.get("offers") or []))

    now = timezone.now()
    consents = data.get("consents") or {}
    current = current_consents(person)
    if consents and current.get((Channel.ANY, "")) is False:
        # They once asked for no contact at all; a new, confirmed signup is a
        # fresh and specific request to hear from the party again.
        consent_record(
            person=person,
            channel=Channel.ANY,
            granted=True,
            method=Method.SIGNUP_FORM,
            wording=_("Confirmed a new supporters' club signup by email."),
            at=now,
        )
    for channel, wording in consents.items():
        consent_record(
            person=person,
            channel=channel,
            granted=True,
            method=method,
            wording=wording,
            at=now,
        )
    request.confirmed_at = now
    request.save(update_fields=["confirmed_at"])
    audit_log(
        actor=actor,
        action=AuditAction.SUPPORTER_CONFIRM,
        obj=supporter,
        detail={
            "signup_request": request.pk,
            "new_person": created,
            "consents": sorted(consents),
            "needs_review": supporter.needs_review,
        },
    )
    return Confirmation(supporter=supporter, already=False)


def signup_confirmations_send_missed(*, now=None) -> int:
    """Send confirmations that were never queued (the broker was down when the
    visitor signed up); returns how many were sent.

    Only requests from the last day whose address has had no confirmation since
    shortly before they were made: a request held back by the one-per-hour rule is
    never mailed later, so a flood aimed at one address still gets it one email.
    """
    now = now or timezone.now()
    interval = timedelta(seconds=settings.SUPPORTERS_CONFIRMATION_INTERVAL_SECONDS)
    mailed_since = SignupRequest.objects.filter(
        email=OuterRef("email"),
        kind=OuterRef("kind"),
        about_id=OuterRef("about_id"),
        confirmation_sent_at__gte=OuterRef("created") - interval,
    )
    missed = (
        SignupRequest.objects.filter(
            confirmed_at__isnull=True,
            confirmation_sent_at__isnull=True,
            created__gte=now - timedelta(days=1),
            # Leave the normal path (a task queued on commit) time to run first.
            created__lte=now - timedelta(minutes=2),
        )
        .exclude(Exists(mailed_since))
        .order_by("-created")
    )
    sent = 0
    seen: set[tuple[str, str, int]] = set()
    for request in missed:
        key = (request.email, request.kind, request.about_id)
        if key in seen:
            continue  # the newest request of an address is the one to confirm
        seen.add(key)
        sent += signup_confirmation_send(signup_request_id=request.pk)
    return sent


# --- retention ----------------------------------------------------------------------


def signup_requests_purge(*, now=None) -> int:
    """Delete signups never confirmed within the retention period; returns how many.

    The period is the CLP's own where its retention schedule changed it (the
    nightly retention run applies the same schedule; whichever runs first wins).
    """
    from partyhub.dataprotection.retention import own_periods

    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.SUPPORTERS_UNCONFIRMED_RETENTION_DAYS)
    own = own_periods("unconfirmed_signups")
    due = Q(created__lt=cutoff) & ~Q(constituency_id__in=list(own))
    for constituency_id, days in own.items():
        due |= Q(
            constituency_id=constituency_id, created__lt=now - timedelta(days=days)
        )
    with transaction.atomic():
        deleted, _by_model = SignupRequest.objects.filter(
            due, confirmed_at__isnull=True
        ).delete()
        log.info("Purged %d unconfirmed supporter signups", deleted)
        if deleted:
            audit_log(
                actor=None,
                action=AuditAction.SUPPORTERS_SIGNUP_REQUESTS_PURGE,
                row_count=deleted,
                detail={"older_than": cutoff.isoformat()},
            )
    return deleted


# --- leaving --------------------------------------------------------------------------


@transaction.atomic
def supporter_leave(
    *, supporter: Supporter, actor: User | None, method: str = Method.OFFICER
) -> Supporter:
    """End a supporter's club membership: status left, and no more email.

    The consent history stays (the retention policy decides when it goes). A person
    who is also a current party member keeps their email consent: leaving the
    supporters' club is not leaving the party, and "stop all email" remains one
    click away on the same page.
    """
    supporter = Supporter.objects.select_for_update().get(pk=supporter.pk)
    if supporter.status != Supporter.Status.LEFT:
        supporter.status = Supporter.Status.LEFT
        supporter.left = timezone.localdate()
        supporter.save(update_fields=["status", "left", "updated"])
    person = supporter.person
    is_member = Membership.objects.filter(
        person=person, status__in=[Membership.Status.CURRENT, Membership.Status.ARREARS]
    ).exists()
    if not is_member and current_consents(person).get((Channel.EMAIL, "")) is not False:
        consent_record(
            person=person,
            channel=Channel.EMAIL,
            granted=False,
            method=method,
            wording=_("Leave the supporters' club"),
            actor=actor,
        )
    audit_log(actor=actor, action=AuditAction.SUPPORTER_LEAVE, obj=supporter)
    return supporter


def _leave_from_link(person: Person) -> str:
    supporter = Supporter.objects.get(person=person)
    supporter_leave(supporter=supporter, actor=None, method=Method.UNSUBSCRIBE)
    if current_consents(person).get((Channel.EMAIL, "")) is False:
        return _("You have left the supporters' club. We will not email you again.")
    return _(
        "You have left the supporters' club. As a party member you will still get "
        "members' email; you can stop that on this page too."
    )


def _can_leave(person: Person) -> bool:
    return (
        Supporter.objects.filter(person=person)
        .exclude(status=Supporter.Status.LEFT)
        .exists()
    )


def register_leaving() -> None:
    """Offer "Leave the supporters' club" on the unsubscribe and preferences page.

    Call from SupportersConfig.ready().
    """
    from django.utils.translation import gettext_lazy

    from partyhub.comms.views import register_choice

    register_choice(
        LEAVE_CHOICE,
        gettext_lazy("Leave the supporters' club"),
        _leave_from_link,
        applies=_can_leave,
    )


__all__ = [
    "LinkExpired",
    "LinkInvalid",
    "PendingKind",
    "SignupGone",
    "lock_address",
    "pending_kind",
    "pending_request_create",
    "register_pending",
    "register_leaving",
    "signup_confirmation_send",
    "signup_ip_allowance_take",
    "signup_request_from_token",
    "signup_requests_purge",
    "supporter_confirm",
    "supporter_leave",
    "supporter_signup",
]
