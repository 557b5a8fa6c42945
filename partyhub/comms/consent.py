"""The consent ledger: record grants and withdrawals, and ask who may be contacted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from partyhub.comms.models import (
    BouncedAddress,
    Channel,
    ConsentEvent,
    ConsentState,
    Method,
)

if TYPE_CHECKING:
    from partyhub.accounts.models import User


@transaction.atomic
def consent_record(
    *,
    person: Any,
    channel: str,
    granted: bool,
    method: str,
    wording: str = "",
    topic: str = "",
    actor: User | None = None,
    at=None,
) -> ConsentEvent | None:
    """Append a grant or withdrawal and bring the current state up to date.

    An import never overrides what the person (or an officer on their behalf) said
    locally: it only fills in a channel nobody has recorded yet. Returns None when
    the entry was not taken for that reason.
    """
    at = at or timezone.now()
    state = (
        ConsentState.objects.select_for_update()
        .filter(person=person, channel=channel, topic=topic)
        .first()
    )
    if method == Method.IMPORT and state is not None and state.method != Method.IMPORT:
        return None
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    event = ConsentEvent.objects.create(
        person=person,
        channel=channel,
        topic=topic,
        granted=granted,
        method=method,
        wording=wording,
        recorded_by=actor,
        at=at,
    )
    if state is None:
        ConsentState.objects.create(
            person=person,
            channel=channel,
            topic=topic,
            granted=granted,
            method=method,
            at=at,
        )
    elif state.at <= at:
        state.granted, state.method, state.at = granted, method, at
        state.save(update_fields=["granted", "method", "at"])
    return event


def _state(channel: str, topic: str = "", granted: bool = True) -> Q:
    return Q(channel=channel, topic=topic, granted=granted)


def contactable(
    people: QuerySet, *, channel: str = Channel.EMAIL, topic: str = ""
) -> QuerySet:
    """The people in `people` who may be contacted on `channel` about `topic` now:
    consent granted for the channel, no global opt-out, not opted out of the topic,
    and for email a usable address that has not hard-bounced."""
    person = OuterRef("pk")
    people = people.filter(
        Exists(ConsentState.objects.filter(_state(channel), person=person))
    ).exclude(
        Exists(
            ConsentState.objects.filter(
                _state(Channel.ANY, granted=False), person=person
            )
        )
    )
    if topic:
        people = people.exclude(
            Exists(
                ConsentState.objects.filter(
                    _state(channel, topic, granted=False), person=person
                )
            )
        )
    if channel == Channel.EMAIL:
        people = people.exclude(email="").exclude(
            Exists(BouncedAddress.objects.filter(email__iexact=OuterRef("email")))
        )
    return people


def can_contact(person: Any, *, channel: str = Channel.EMAIL, topic: str = "") -> bool:
    return contactable(
        type(person)._base_manager.filter(pk=person.pk), channel=channel, topic=topic
    ).exists()


def current_consents(person: Any) -> dict[tuple[str, str], bool]:
    return {
        (s.channel, s.topic): s.granted
        for s in ConsentState.objects.filter(person=person)
    }
