"""Writes for the interests register, candidates and forums: each one audited."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from members.models import (
    Candidate,
    Forum,
    ForumInvitation,
    ForumMembership,
    Interest,
    Membership,
    Person,
    PersonInterest,
)
from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log
from partyhub.comms.reminders import reminder_schedule
from partyhub.links import make_token

if TYPE_CHECKING:
    from partyhub.accounts.models import User


REMINDER_FORUM_INVITATION = "forum_invitation"
FORUM_JOIN_PURPOSE = "forum_join"
# An invitation stays good for a month, as a network's does.
FORUM_JOIN_LINK_MAX_AGE = 30 * 24 * 3600


class NotFound(Exception):
    """Nobody matched: the message says what to check."""


@transaction.atomic
def person_interest_add(
    *,
    person: Person,
    interest: Interest,
    detail: str = "",
    source: str = PersonInterest.Source.SELF,
    actor: User | None,
) -> PersonInterest:
    """Record that `person` has `interest`; saying it again updates the detail."""
    held, created = PersonInterest.objects.get_or_create(
        person=person,
        interest=interest,
        defaults={"detail": detail, "source": source},
    )
    if not created and held.detail != detail:
        held.detail = detail
        held.save(update_fields=["detail"])
    audit_log(
        actor=actor,
        action=AuditAction.PERSONINTEREST_ADD if created else "personinterest.change",
        obj=held,
        detail={"interest": interest.name, "source": held.source},
    )
    return held


@transaction.atomic
def person_interest_remove(*, held: PersonInterest, actor: User | None) -> None:
    audit_log(
        actor=actor,
        action=AuditAction.PERSONINTEREST_DELETE,
        obj=held,
        detail={"interest": held.interest.name},
    )
    held.delete()


@transaction.atomic
def candidate_express_interest(
    *, person: Person, office_sought: str, notes: str = "", actor: User | None
) -> tuple[Candidate, bool]:
    """A member says in the portal they would like to stand. A second click while a
    candidacy for that office is open changes nothing; (candidate, created)."""
    open_candidacy = (
        Candidate.objects.filter(person=person, office_sought=office_sought)
        .exclude(stage=Candidate.Stage.WITHDRAWN)
        .first()
    )
    if open_candidacy is not None:
        return open_candidacy, False
    constituency = person.constituency
    if constituency is None:
        membership = person.memberships.order_by("-joined").first()
        constituency = membership.constituency if membership else None
    if constituency is None:
        raise NotFound("no constituency")
    candidate = Candidate.objects.create(
        person=person,
        office_sought=office_sought,
        constituency=constituency,
        ward=person.ward if office_sought == Candidate.Office.WARD_COUNCILLOR else None,
        notes=notes,
    )
    audit_log(
        actor=actor,
        action=AuditAction.CANDIDATE_EXPRESS_INTEREST,
        obj=candidate,
        detail={"office_sought": office_sought},
    )
    return candidate, True


def forum_member_find(*, forum: Forum, identifier: str, last_name: str = "") -> Person:
    """A party member living in one of the forum's constituencies, by exact email
    address, or membership number with their surname: a forum officer adds people
    they know, and can neither browse the CLP's list nor try numbers in turn."""
    identifier, last_name = identifier.strip(), last_name.strip()
    if not identifier:
        raise NotFound
    if "@" in identifier:
        who = Q(person__email__iexact=identifier)
    elif last_name:
        who = Q(
            membership_number__iexact=identifier, person__last_name__iexact=last_name
        )
    else:
        raise NotFound
    member = Membership.objects.filter(
        who,
        status__in=[Membership.Status.CURRENT, Membership.Status.ARREARS],
        person__constituency__in=forum.constituencies.all(),
    ).select_related("person")
    found = {m.person for m in member}
    if len(found) != 1:
        raise NotFound
    return found.pop()


def forum_join_url(*, invitation: ForumInvitation) -> str:
    token = make_token(FORUM_JOIN_PURPOSE, invitation.person_id, i=invitation.pk)
    return settings.SITE_URL.rstrip("/") + reverse("portal:forum_join", args=[token])


@transaction.atomic
def forum_member_invite(
    *,
    forum: Forum,
    identifier: str,
    last_name: str,
    inviter: Person,
    actor: User | None,
) -> ForumInvitation | None:
    """Email a signed invitation to the member the forum officer named, if there is
    one. The officer's page says the same whether or not anyone matched, so it
    tells them nothing about who is a member; nobody joins until they accept."""
    try:
        person = forum_member_find(
            forum=forum, identifier=identifier, last_name=last_name
        )
    except NotFound:
        return None
    if forum.memberships.filter(person=person).exists():
        return None
    invitation, created = ForumInvitation.objects.get_or_create(
        forum=forum, person=person, defaults={"invited_by": inviter}
    )
    if not created:
        return invitation
    reminder_schedule(
        kind=REMINDER_FORUM_INVITATION,
        person=person,
        due_at=timezone.now(),
        about=invitation,
        key=f"{REMINDER_FORUM_INVITATION}:{forum.pk}:{person.pk}",
    )
    audit_log(
        actor=actor,
        action=AuditAction.FORUMINVITATION_CREATE,
        obj=invitation,
        detail={"forum": forum.name},
    )
    return invitation


@transaction.atomic
def forum_invitation_accept(
    *, invitation: ForumInvitation, actor: User | None
) -> tuple[ForumMembership, bool]:
    """The invited person says yes: they join the forum."""
    invitation = ForumInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted is None:
        invitation.accepted = timezone.now()
        invitation.save(update_fields=["accepted"])
    return forum_member_add(
        forum=invitation.forum, person=invitation.person, actor=actor
    )


@transaction.atomic
def forum_member_add(
    *, forum: Forum, person: Person, actor: User | None
) -> tuple[ForumMembership, bool]:
    membership, created = ForumMembership.objects.get_or_create(
        forum=forum, person=person
    )
    if created:
        audit_log(
            actor=actor,
            action=AuditAction.FORUMMEMBERSHIP_CREATE,
            obj=membership,
            detail={"forum": forum.name},
        )
    return membership, created


@transaction.atomic
def forum_member_remove(*, membership: ForumMembership, actor: User | None) -> None:
    audit_log(
        actor=actor,
        action=AuditAction.FORUMMEMBERSHIP_DELETE,
        obj=membership,
        detail={"forum": membership.forum.name},
    )
    membership.delete()


@transaction.atomic
def person_interest_create(*, instance: Any, actor: Any) -> Any:
    """An interest or skill an officer records for a person: marked as theirs."""
    from members.models import PersonInterest

    instance.source = PersonInterest.Source.OFFICER
    instance.save()
    audit_log(actor=actor, action=AuditAction.PERSONINTEREST_CREATED, obj=instance)
    return instance
