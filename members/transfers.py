"""Moving a person to another constituency: asked for by a new postcode, decided by
the officers of the receiving CLP (issue 13.1).

A postcode change (on My details, the admin person page, a confirmed signup) never
moves anyone's home constituency by itself: their data would leave their own CLP's
officers for another's without anybody deciding it. Instead the person stays where
they are with no ward, and a Transfer waits for the receiving CLP.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Branch, Membership, Person, Postcode, Transfer
from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log
from partyhub.errors import DomainError
from partyhub.scoping import constituency_ids

if TYPE_CHECKING:
    from partyhub.accounts.models import User


# Sent inside the accepting transaction, so apps that keep their own per-CLP record
# of a person (the supporters' club) move it too: sender=Transfer, transfer=...
person_transferred = Signal()


class TransferError(DomainError):
    """The transfer cannot be decided as asked; the message says why."""


def transfer_request(
    *, person: Person, lookup: Postcode, source: str, actor: User | None
) -> Transfer:
    """Ask the CLP the lookup row is in to take the person. One pending transfer per
    person: a second new postcode updates it. The person must be saved already."""
    from_id = person.constituency_id
    if from_id is None or from_id == lookup.constituency_id:
        raise ValueError("a transfer needs a person in another constituency")
    pending = (
        Transfer.objects.select_for_update()
        .filter(person=person, status=Transfer.Status.PENDING)
        .first()
    )
    if pending is not None and (
        pending.to_constituency_id,
        pending.to_ward_id,
        pending.postcode,
    ) == (lookup.constituency_id, lookup.ward_id, lookup.postcode):
        return pending
    if pending is None:
        pending = Transfer(person=person, status=Transfer.Status.PENDING)
    pending.from_constituency_id = from_id
    pending.to_constituency_id = lookup.constituency_id
    pending.to_ward_id = lookup.ward_id
    pending.postcode = lookup.postcode
    pending.source = source
    pending.requested = timezone.now()
    pending.requested_by = actor if getattr(actor, "is_authenticated", False) else None
    pending.save()
    _audit(pending, AuditAction.TRANSFER_REQUEST, actor)
    return pending


def transfer_withdraw(*, person: Person, actor: User | None) -> int:
    """The postcode changed again (back home, or somewhere the lookup does not
    know): a pending transfer no longer stands."""
    withdrawn = 0
    for pending in Transfer.objects.select_for_update().filter(
        person=person, status=Transfer.Status.PENDING
    ):
        pending.status = Transfer.Status.WITHDRAWN
        pending.decided = timezone.now()
        pending.save(update_fields=["status", "decided"])
        _audit(pending, AuditAction.TRANSFER_WITHDRAW, actor)
        withdrawn += 1
    return withdrawn


def transfers_after_placement(
    *, person: Person, elsewhere: Postcode | None, source: str, actor: User | None
) -> Transfer | None:
    """After saving a person whose postcode changed: ask for a transfer when the
    lookup put them in another CLP, else withdraw any that waits."""
    if elsewhere is not None:
        return transfer_request(
            person=person, lookup=elsewhere, source=source, actor=actor
        )
    transfer_withdraw(person=person, actor=actor)
    return None


def may_decide(user: Any, transfer: Transfer) -> bool:
    """Only officers of the receiving CLP (or a regional organiser) decide."""
    ids = constituency_ids(user)
    return ids is None or transfer.to_constituency_id in ids


def _locked_pending(transfer: Transfer, actor: User | None) -> Transfer:
    locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if not may_decide(actor, locked):
        raise TransferError(
            _("Only officers of %(clp)s can decide this transfer.")
            % {"clp": locked.to_constituency}
        )
    if locked.status != Transfer.Status.PENDING:
        raise TransferError(
            _("This transfer was already decided: %(status)s.")
            % {"status": locked.get_status_display()}
        )
    return locked


@transaction.atomic
def transfer_accept(*, transfer: Transfer, actor: User | None) -> Transfer:
    """Move the person (and their memberships of the old CLP, and anything an app
    keeps per CLP) to the receiving CLP, in the ward of their postcode."""
    transfer = _locked_pending(transfer, actor)
    person = Person.objects.select_for_update().get(pk=transfer.person_id)
    if person.constituency_id != transfer.from_constituency_id:
        raise TransferError(
            _("%(person)s is no longer in %(clp)s; nothing was moved.")
            % {"person": person, "clp": transfer.from_constituency}
        )
    if (
        person.email
        and Person.objects.filter(
            constituency_id=transfer.to_constituency_id, email__iexact=person.email
        )
        .exclude(pk=person.pk)
        .exists()
    ):
        raise TransferError(
            _(
                "%(clp)s already has a record with this person's email address: "
                "ask the regional organiser to merge the two; nothing was moved."
            )
            % {"clp": transfer.to_constituency}
        )
    ward_id = transfer.to_ward_id
    now = timezone.now()
    current = Postcode.objects.filter(postcode=person.postcode).first()
    if current is not None and current.constituency_id == transfer.to_constituency_id:
        ward_id = current.ward_id
    person.constituency_id = transfer.to_constituency_id
    person.ward_id = ward_id
    person.save(update_fields=["constituency", "ward", "updated"])
    branch_id = (
        Branch.wards.through.objects.filter(
            ward_id=ward_id, branch__constituency_id=transfer.to_constituency_id
        )
        .order_by("branch_id")
        .values_list("branch_id", flat=True)
        .first()
        if ward_id
        else None
    )
    Membership.objects.filter(
        person=person, constituency_id=transfer.from_constituency_id
    ).update(
        constituency_id=transfer.to_constituency_id, branch_id=branch_id, updated=now
    )
    transfer.status = Transfer.Status.ACCEPTED
    transfer.decided = now
    transfer.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    transfer.save(update_fields=["status", "decided", "decided_by"])
    person_transferred.send(sender=Transfer, transfer=transfer)
    _audit(transfer, AuditAction.TRANSFER_ACCEPT, actor)
    return transfer


@transaction.atomic
def transfer_decline(*, transfer: Transfer, actor: User | None) -> Transfer:
    """The receiving CLP says no: the person stays in their home CLP, unplaced."""
    transfer = _locked_pending(transfer, actor)
    transfer.status = Transfer.Status.DECLINED
    transfer.decided = timezone.now()
    transfer.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    transfer.save(update_fields=["status", "decided", "decided_by"])
    _audit(transfer, AuditAction.TRANSFER_DECLINE, actor)
    return transfer


def _audit(transfer: Transfer, action: str, actor: User | None) -> None:
    # Both CLPs' officers read what happened to the person.
    audit_log(
        actor=actor,
        action=action,
        obj=transfer,
        constituency_ids=[transfer.from_constituency_id, transfer.to_constituency_id],
        detail={
            "from": transfer.from_constituency_id,
            "to": transfer.to_constituency_id,
            "source": transfer.source,
        },
    )
