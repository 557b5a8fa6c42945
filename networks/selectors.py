"""Reads the portal pages share: which networks a person is in or could join."""

from __future__ import annotations

from django.db.models import QuerySet

from members.models import Person
from networks import services
from networks.models import Consultation, Network, NetworkMembership


def networks_joined(person: Person) -> QuerySet:
    return Network.objects.filter(
        memberships__person=person,
        memberships__status=NetworkMembership.Status.ACTIVE,
    ).order_by("name", "pk")


def networks_pending(person: Person) -> QuerySet:
    return Network.objects.filter(
        memberships__person=person,
        memberships__status=NetworkMembership.Status.PENDING,
    ).order_by("name", "pk")


def networks_joinable(person: Person) -> list[Network]:
    """Networks spanning the person's CLP that they may join and are not in."""
    if person.constituency_id is None:
        return []
    # A subquery, so "this person's membership" and "not left" are the same row.
    in_or_waiting = (
        NetworkMembership.objects.filter(person=person)
        .exclude(status=NetworkMembership.Status.LEFT)
        .values("network")
    )
    candidates = (
        Network.objects.filter(constituencies=person.constituency_id)
        .exclude(pk__in=in_or_waiting)
        .order_by("name", "pk")
    )
    return [n for n in candidates if services.may_join(n, person)]


def open_consultations(network: Network) -> QuerySet:
    from django.utils import timezone

    return network.consultations.filter(
        submitted_at__isnull=True, deadline__gte=timezone.localdate()
    )


def get_consultation_for_person(person: Person, pk: int) -> Consultation | None:
    consultation = Consultation.objects.select_related("network").filter(pk=pk).first()
    if consultation is None or not services.may_take_part(consultation.network, person):
        return None
    return consultation
