"""Phone banking: build a call list from a segment, let callers reserve a few
numbers at a time, record what happened.

Two callers must never ring the same person: numbers are handed out under
SELECT ... FOR UPDATE SKIP LOCKED, so a second caller reserving at the same moment
passes over the rows the first is taking instead of waiting for them or taking
them too. A reservation lapses after the list's reservation time, so numbers held
by a caller who walked away go back to the pool without anyone tidying up.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import CallList, CallListEntry, CallOutcome
from campaigns.services.common import CampaignsError
from members.models import Membership, Person
from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log
from partyhub.comms.consent import consent_record
from partyhub.comms.models import Channel, ConsentState, Method
from partyhub.comms.segments import segment_people
from partyhub.dataprotection.tps import TpsCheck

if TYPE_CHECKING:
    from partyhub.accounts.models import User


CALLS_RESERVED_AT_ONCE = 5


def asked_not_to_be_called(person_ref: str = "pk") -> Exists:
    """People who asked not to be phoned, or not to be contacted at all;
    `person_ref` names the Person in the outer query."""
    return Exists(
        ConsentState.objects.filter(
            Q(channel=Channel.PHONE) | Q(channel=Channel.ANY),
            topic="",
            granted=False,
            person=OuterRef(person_ref),
        )
    )


def callable_people(people: QuerySet) -> QuerySet:
    """Of `people`, those with a phone number who have not asked not to be called."""
    return people.filter(~Q(phone="") | ~Q(mobile="")).exclude(asked_not_to_be_called())


@transaction.atomic
def call_list_build(*, call_list: CallList, actor: User | None) -> int:
    """Add the segment's callable people to the list; returns how many were added.

    Building again adds people who have joined the segment since; nobody already on
    the list is added twice or loses their outcome.
    """
    if call_list.segment is None:
        raise CampaignsError(_("Choose a segment to build the list from."))
    if call_list.segment.constituency_id != call_list.constituency_id:
        raise CampaignsError(_("The segment belongs to another constituency."))
    people = callable_people(
        segment_people(
            constituency=call_list.constituency,
            criteria_values=call_list.segment.criteria,
        )
    ).exclude(pk__in=call_list.entries.values("person_id"))
    found = list(
        people.order_by("last_name", "first_name", "pk").values_list(
            "pk", "phone", "mobile"
        )
    )
    clp = call_list.constituency_id
    # The TPS: a number on the CLP's list is not rung unless the person said yes to
    # calls; their other number may be free to ring.
    tps = TpsCheck(
        (clp, pk, number) for pk, phone, mobile in found for number in (mobile, phone)
    )
    entries = []
    tps_skipped = 0
    for pk, phone, mobile in found:
        number = next(
            (n for n in (mobile, phone) if n and not tps.blocked(clp, pk, n)), ""
        )
        if number:
            entries.append(
                CallListEntry(call_list=call_list, person_id=pk, phone=number)
            )
        else:
            tps_skipped += 1
    CallListEntry.objects.bulk_create(entries, ignore_conflicts=True)
    call_list.built_at = timezone.now()
    call_list.save(update_fields=["built_at"])
    audit_log(
        actor=actor,
        action=AuditAction.CALL_LIST_BUILD,
        obj=call_list,
        row_count=len(entries),
        detail={"segment": call_list.segment_id, "tps_skipped": tps_skipped},
    )
    return len(entries)


def may_call(*, call_list: CallList, person: Person | None) -> bool:
    """Callers are the constituency's members (current or in arrears)."""
    if person is None or call_list.status != CallList.Status.OPEN:
        return False
    return Membership.objects.filter(
        person=person,
        constituency_id=call_list.constituency_id,
        status__in=[Membership.Status.CURRENT, Membership.Status.ARREARS],
    ).exists()


def call_lists_for_caller(person: Person) -> QuerySet:
    constituencies = Membership.objects.filter(
        person=person,
        status__in=[Membership.Status.CURRENT, Membership.Status.ARREARS],
    ).values("constituency_id")
    return CallList.objects.filter(
        constituency__in=constituencies, status=CallList.Status.OPEN
    ).order_by("name")


def _open_entries(call_list: CallList) -> QuerySet:
    return CallListEntry.objects.filter(call_list=call_list, outcome="").exclude(
        asked_not_to_be_called("person")
    )


def calls_reserved(*, call_list: CallList, caller: Any) -> QuerySet:
    """The numbers this caller holds now, to ring."""
    return (
        _open_entries(call_list)
        .filter(reserved_by=caller, reserved_until__gt=timezone.now())
        .select_related("person")
        .order_by("pk")
    )


@transaction.atomic
def calls_reserve(
    *, call_list: CallList, caller: Any, count: int = CALLS_RESERVED_AT_ONCE
) -> list[CallListEntry]:
    """Give the caller up to `count` numbers to ring (counting those they still
    hold), each held for the list's reservation time."""
    now = timezone.now()
    until = now + datetime.timedelta(minutes=call_list.reservation_minutes)
    held = list(
        _open_entries(call_list)
        .filter(reserved_by=caller, reserved_until__gt=now)
        .select_for_update(of=("self",))
    )
    wanted = max(0, count - len(held))
    if wanted:
        # Someone on two open lists is not handed out while a caller on the other
        # list holds them.
        held_elsewhere = Exists(
            CallListEntry.objects.filter(
                person=OuterRef("person"), outcome="", reserved_until__gt=now
            ).exclude(call_list=call_list)
        )
        # A caller on another list may be taking the same people right now: the
        # person is locked with the entry, so whoever locks them first has them
        # and the other passes over them; the check is made again under the lock
        # in case the other caller finished in between.
        free = list(
            _open_entries(call_list)
            .filter(Q(reserved_until__isnull=True) | Q(reserved_until__lte=now))
            .exclude(held_elsewhere)
            .order_by("pk")
            .select_related("person")
            .select_for_update(skip_locked=True, no_key=True, of=("self", "person"))[
                :wanted
            ]
        )
        if free:
            still_free = set(
                CallListEntry.objects.filter(pk__in=[entry.pk for entry in free])
                .exclude(held_elsewhere)
                .values_list("pk", flat=True)
            )
            free = [entry for entry in free if entry.pk in still_free]
        held.extend(free)
    held = _without_tps(call_list, held)
    ids = [entry.pk for entry in held]
    CallListEntry.objects.filter(pk__in=ids).update(
        reserved_by=caller, reserved_until=until
    )
    return list(
        CallListEntry.objects.filter(pk__in=ids).select_related("person").order_by("pk")
    )


def _without_tps(
    call_list: CallList, entries: list[CallListEntry]
) -> list[CallListEntry]:
    """Entries whose number went on the TPS list after the list was built are taken
    off it rather than handed out (unless the person said yes to calls)."""
    clp = call_list.constituency_id
    tps = TpsCheck((clp, e.person_id, e.phone) for e in entries)
    blocked = [e.pk for e in entries if tps.blocked(clp, e.person_id, e.phone)]
    if blocked:
        CallListEntry.objects.filter(pk__in=blocked, outcome="").delete()
    return [e for e in entries if e.pk not in blocked]


@transaction.atomic
def calls_release(*, call_list: CallList, caller: Any) -> int:
    """The caller stops: the numbers they hold go back to the pool."""
    return CallListEntry.objects.filter(
        call_list=call_list, reserved_by=caller, outcome=""
    ).update(reserved_by=None, reserved_until=None)


@transaction.atomic
def call_outcome_record(
    *, entry: CallListEntry, caller: Any, outcome: str, notes: str = ""
) -> CallListEntry:
    """What happened on the call. "Do not call" goes into the consent ledger for the
    phone channel, so no future list includes the person."""
    if outcome not in CallOutcome.values:
        raise CampaignsError(_("Choose what happened on the call."))
    entry = (
        CallListEntry.objects.select_for_update(of=("self",))
        .select_related("call_list", "person")
        .get(pk=entry.pk)
    )
    if entry.outcome:
        raise CampaignsError(_("This call has already been recorded."))
    if entry.reserved_by_id != caller.pk:
        raise CampaignsError(
            _("This number is not yours to ring: get some numbers first.")
        )
    entry.outcome = outcome
    entry.notes = notes
    entry.called_at = timezone.now()
    entry.called_by = caller
    entry.reserved_until = None
    entry.save(
        update_fields=["outcome", "notes", "called_at", "called_by", "reserved_until"]
    )
    if outcome == CallOutcome.DO_NOT_CALL:
        consent_record(
            person=entry.person,
            channel=Channel.PHONE,
            granted=False,
            method=Method.OFFICER_PHONE,
            wording=_("Asked not to be phoned again (phone bank: %(list)s).")
            % {"list": entry.call_list.name},
            actor=caller,
        )
    audit_log(
        actor=caller,
        action=AuditAction.CALL_OUTCOME,
        obj=entry,
        constituency_id=entry.call_list.constituency_id,
        detail={"outcome": outcome, "person": entry.person_id},
    )
    return entry


def call_list_progress(call_list: CallList) -> dict[str, int]:
    """How far the list has got: counts by outcome, those still to call and those
    held by callers now — one query."""
    now = timezone.now()
    counts = {
        outcome: Count("pk", filter=Q(outcome=outcome))
        for outcome in CallOutcome.values
    }
    return CallListEntry.objects.filter(call_list=call_list).aggregate(
        total=Count("pk"),
        to_call=Count("pk", filter=Q(outcome="")),
        held=Count("pk", filter=Q(outcome="", reserved_until__gt=now)),
        **counts,
    )


@transaction.atomic
def call_list_create(*, instance: Any, actor: Any) -> Any:
    """A call list an officer makes: saved with who made it."""
    instance.created_by = actor if getattr(actor, "is_authenticated", False) else None
    instance.save()
    audit_log(actor=actor, action=AuditAction.CALLLIST_CREATED, obj=instance)
    return instance
