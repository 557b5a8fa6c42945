"""Accounts: claiming the login for a Person the party already knows, and taking
admin access away when an office ends.

Claiming never reveals whether an address is known: the web request only counts
the attempt and enqueues a task; the task looks the address up and mails its owner
(a link, "you already have an account", or "we could not find you"). Only the owner
of the address reads the answer.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from partyhub.audit.actions import AuditAction
from partyhub.audit.models import AuditEntry
from partyhub.audit.services import audit_log
from partyhub.links import LinkExpired, LinkInvalid, make_token, read_token
from partyhub.queueing import enqueue_on_commit
from partyhub.ratelimit import hourly_allowance_take
from partyhub.scoping import is_officer

log = logging.getLogger(__name__)

CLAIM_PURPOSE = "account-claim"


class ClaimLinkUsed(Exception):
    """The link is genuine but its Person already has a login."""


# --- rate limits ----------------------------------------------------------------------


def claim_allowance_take(*, ip: str, email: str) -> bool:
    """False once this connection or this address has asked too often this hour.

    Counted the same for known and unknown addresses, so tripping it tells nothing.
    """
    ip_ok = hourly_allowance_take(
        "accounts:claim", f"ip:{ip}", settings.ACCOUNTS_CLAIMS_PER_IP_PER_HOUR
    )
    address_ok = hourly_allowance_take(
        "accounts:claim",
        f"email:{email.strip().lower()}",
        settings.ACCOUNTS_CLAIMS_PER_ADDRESS_PER_HOUR,
    )
    return ip_ok and address_ok


# --- asking for a link ----------------------------------------------------------------


def account_claim_request(*, email: str, membership_number: str = "") -> None:
    """Enqueue the lookup and the email. The same work whoever asks."""
    from partyhub.accounts import tasks

    request_id = uuid.uuid4().hex
    email = email.strip().lower()
    membership_number = membership_number.strip()

    # The visitor gets the same neutral page even when the broker is down.
    enqueue_on_commit(tasks.send_claim_email, request_id, email, membership_number)


@dataclass(frozen=True)
class ClaimLookup:
    outcome: str  # "link", "claimed", "ambiguous", "unknown"
    person: Any = None


def claim_lookup(*, email: str, membership_number: str = "") -> ClaimLookup:
    """Which Person (if any) this address and membership number point at.

    Two records with the same address (a member in one CLP, a supporter in another,
    or someone who moved) are never picked between: the wrong one would get the
    login. The owner is told to add their membership number, which is unique.
    """
    from members.models import Person

    user_model = get_user_model()
    email = email.strip().lower()
    people = Person.objects.filter(email__iexact=email)
    if membership_number:
        people = people.filter(memberships__membership_number__iexact=membership_number)
    people = list(people.distinct()[:2])
    if len(people) > 1:
        return ClaimLookup("ambiguous")
    already = (
        user_model.objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email, verified=True).exists()
    )
    if not people:
        # An existing login for the address still gets its reminder, even if the
        # membership number given was wrong.
        return ClaimLookup("claimed" if already else "unknown")
    person = people[0]
    if person.user_id or already:
        return ClaimLookup("claimed", person)
    return ClaimLookup("link", person)


def claim_url(person: Any) -> str:
    token = make_token(CLAIM_PURPOSE, person.pk, e=person.email.lower())
    return settings.SITE_URL.rstrip("/") + reverse("accounts:claim_link", args=[token])


def account_claim_email_send(
    *, request_id: str, email: str, membership_number: str = ""
) -> str:
    """Look the address up and mail its owner; once per request id. Returns the
    outcome ("sent-before" when a repeated task found it done)."""
    done_key = f"accounts:claim-sent:{request_id}"
    if not cache.add(done_key, 1, timeout=2 * 24 * 3600):
        return "sent-before"
    try:
        return _claim_email_send(email=email, membership_number=membership_number)
    except Exception:
        cache.delete(done_key)  # let the retry send it
        raise


def _claim_email_send(*, email: str, membership_number: str) -> str:
    found = claim_lookup(email=email, membership_number=membership_number)
    if found.outcome == "unknown" and not account_settings.EMAIL_UNKNOWN_ACCOUNTS:
        return found.outcome
    context: dict[str, Any] = {
        "email": email,
        "membership_number_given": bool(membership_number),
        "login_url": settings.SITE_URL.rstrip("/") + reverse("account_login"),
        "reset_url": settings.SITE_URL.rstrip("/") + reverse("account_reset_password"),
        "claim_form_url": settings.SITE_URL.rstrip("/") + reverse("accounts:claim"),
        "hours": settings.ACCOUNTS_CLAIM_LINK_MAX_AGE // 3600,
    }
    if found.person is not None:
        context["first_name"] = found.person.first_name
    if found.outcome == "link":
        context["claim_url"] = claim_url(found.person)
    prefix = f"account/email/claim_{found.outcome}"
    subject = " ".join(
        render_to_string(f"{prefix}_subject.txt", context).splitlines()
    ).strip()
    message = EmailMultiAlternatives(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        body=render_to_string(f"{prefix}_message.txt", context),
        from_email=account_from_email(email),
        to=[email],
    )
    message.send()
    return found.outcome


# --- following the link ---------------------------------------------------------------


def claim_person_from_token(token: str) -> Any:
    """The Person a claim link is for. Raises LinkInvalid, LinkExpired or
    ClaimLinkUsed; changes nothing."""
    from members.models import Person

    payload = read_token(
        token, CLAIM_PURPOSE, max_age=settings.ACCOUNTS_CLAIM_LINK_MAX_AGE
    )
    person = Person.objects.filter(pk=payload.get("p")).first()
    if person is None or person.email.lower() != payload.get("e"):
        # Deleted, or the address changed since: the link proved nothing about it.
        raise LinkInvalid
    if person.user_id is not None:
        raise ClaimLinkUsed
    return person


@transaction.atomic
def account_claim_complete(*, token: str, password: str) -> AbstractBaseUser:
    """Create the login for the link's Person: the link proved the address, so it
    is verified. Raises like claim_person_from_token when the link is no good."""
    from members.models import Person

    person = claim_person_from_token(token)
    # Two tabs submitting the same link: the second waits here, then finds the login.
    person = Person.objects.select_for_update().get(pk=person.pk)
    user_model = get_user_model()
    email = person.email.lower()
    if (
        person.user_id is not None
        or user_model.objects.filter(email__iexact=email).exists()
    ):
        raise ClaimLinkUsed
    user = user_model.objects.create_user(
        email=email,
        password=password,
        first_name=person.first_name,
        last_name=person.last_name,
    )
    EmailAddress.objects.filter(email__iexact=email, verified=False).delete()
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    person.user = user
    person.save(update_fields=["user", "updated"])
    audit_log(actor=user, action=AuditAction.ACCOUNT_CLAIM, obj=person)
    return user


# --- offices that ended -----------------------------------------------------------


def _delete_sessions(user_ids: set[int]) -> int:
    """Delete every database session of these users (logged out everywhere)."""
    engine = import_module(settings.SESSION_ENGINE)
    store_class = engine.SessionStore
    if not hasattr(store_class, "get_model_class"):
        log.warning("Sessions are not in the database: cannot log users out")
        return 0
    model = store_class.get_model_class()
    wanted = {str(pk) for pk in user_ids}
    doomed = []
    for key, data in (
        model.objects.filter(expire_date__gt=timezone.now())
        .values_list("session_key", "session_data")
        .iterator()
    ):
        decoded = store_class().decode(data)
        if str(decoded.get("_auth_user_id")) in wanted:
            doomed.append(key)
    if doomed:
        model.objects.filter(session_key__in=doomed).delete()
    return len(doomed)


def offices_ended_logout(*, days: int = 7) -> int:
    """Log out everywhere the people whose last office ended in the last `days`
    days, once per office end (the audit entry records it). Returns how many."""
    from members.models import Office

    today = timezone.localdate()
    recent = (
        Office.objects.filter(
            ends__isnull=False,
            ends__lte=today,
            ends__gt=today - timedelta(days=days),
            person__user__isnull=False,
        )
        .select_related("person__user")
        .order_by("person_id", "-ends")
    )
    done = 0
    seen: set[int] = set()
    for office in recent:
        if office.person_id in seen:
            continue
        seen.add(office.person_id)
        user = office.person.user
        if is_officer(user):
            continue  # still holds an office (or is a regional organiser)
        with transaction.atomic():
            # Two runs at once (a retried task) take turns on the user's row; the
            # second then finds the first one's audit entry and does nothing.
            type(user).objects.select_for_update().get(pk=user.pk)
            if AuditEntry.objects.filter(
                action=AuditAction.ACCOUNT_ADMIN_ACCESS_ENDED,
                object_id=str(office.person_id),
                detail__ended=office.ends.isoformat(),
            ).exists():
                continue
            sessions = _delete_sessions({user.pk})
            audit_log(
                actor=None,
                action=AuditAction.ACCOUNT_ADMIN_ACCESS_ENDED,
                obj=office.person,
                constituency_id=office.constituency_id,
                detail={
                    "ended": office.ends.isoformat(),
                    "office": str(office),
                    "sessions_deleted": sessions,
                },
            )
            done += 1
    return done


__all__ = [
    "ClaimLinkUsed",
    "LinkExpired",
    "LinkInvalid",
    "account_claim_complete",
    "account_claim_email_send",
    "account_claim_request",
    "claim_allowance_take",
    "claim_person_from_token",
    "offices_ended_logout",
]


def sender_name(constituency: Any) -> str:
    """How a constituency party signs its mail: "Birmingham Hodge Hill Labour"."""
    name = constituency.name
    return name if name.lower().endswith("labour") else f"{name} Labour"


def account_from_email(email: str) -> str:
    """Account mail (claim links, password resets) comes from the person's own
    constituency party, at the site's sending address."""
    from email.utils import formataddr, parseaddr

    from members.models import Person

    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
    person = (
        Person.objects.filter(email__iexact=email.strip(), constituency__isnull=False)
        .select_related("constituency")
        .order_by("pk")
        .first()
        if email
        else None
    )
    if person is None:
        return settings.DEFAULT_FROM_EMAIL
    return formataddr((sender_name(person.constituency), address))
