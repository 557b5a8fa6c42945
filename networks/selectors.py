"""Reads the portal pages share: which networks a person is in or could join."""

from __future__ import annotations

from django.db.models import QuerySet

from members.models import Person
from networks import services
from networks.models import Consultation, Network, NetworkMembership

LATEST_THREADS = 3


def networks_joined(person: Person) -> QuerySet:
    return Network.objects.filter(
        memberships__person=person,
        memberships__status=NetworkMembership.Status.ACTIVE,
    ).order_by("name", "pk")


def memberships_joined(person: Person) -> list[NetworkMembership]:
    """The person's active memberships, each network with its open consultations
    and latest discussions (`open_consultations`, `latest_threads`): a fixed
    number of queries however many networks."""
    from django.db.models import Prefetch
    from django.utils import timezone

    from networks.models import Thread

    return list(
        NetworkMembership.objects.filter(
            person=person, status=NetworkMembership.Status.ACTIVE
        )
        .select_related("network")
        .prefetch_related(
            Prefetch(
                "network__consultations",
                queryset=Consultation.objects.filter(
                    submitted_at__isnull=True, deadline__gte=timezone.localdate()
                ),
                to_attr="open_consultations",
            ),
            Prefetch(
                "network__threads",
                queryset=services.visible_threads(Thread.objects.all())
                .select_related("author")
                .order_by("-created", "-pk")[:LATEST_THREADS],
                to_attr="latest_threads",
            ),
        )
        .order_by("network__name", "network__pk")
    )


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
    # Whether the person may join depends on who they are, not on the network,
    # beyond its being open to supporters: two queries, however many networks.
    if services.is_party_member(person):
        return list(candidates)
    if services.is_supporter(person):
        return list(candidates.filter(open_to=Network.OpenTo.MEMBERS_AND_SUPPORTERS))
    return []


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


def invite_suggestions(
    network: Network, constituency_ids: frozenset[int] | set[int] | None
) -> list[Person]:
    """People in the register of interests with one of the network's interests, in
    the network's CLPs (and the viewer's: `None` means all), who may join and have
    never been in it. Each carries `.matching` (their matching interests), `.invited`
    and `.can_email`."""
    from django.db.models import Exists, OuterRef, Prefetch, Q

    from members.models import Membership, PersonInterest
    from networks.models import NetworkInvitation
    from partyhub.comms.consent import contactable

    interest_ids = list(network.interests.values_list("pk", flat=True))
    if not interest_ids:
        return []
    may_join = Q(
        memberships__status__in=[Membership.Status.CURRENT, Membership.Status.ARREARS]
    )
    if network.open_to_supporters:
        may_join |= Q(supporter__status="confirmed")
    people = (
        Person.objects.filter(
            may_join,
            interests__interest__in=interest_ids,
            constituency__in=network.constituencies.values("pk"),
        )
        .exclude(pk__in=network.memberships.values("person"))
        .annotate(
            invited=Exists(
                NetworkInvitation.objects.filter(network=network, person=OuterRef("pk"))
            )
        )
        .select_related("constituency")
        .prefetch_related(
            Prefetch(
                "interests",
                queryset=PersonInterest.objects.filter(
                    interest__in=interest_ids
                ).select_related("interest"),
                to_attr="matching",
            )
        )
        .order_by("last_name", "first_name", "pk")
        .distinct()
    )
    if constituency_ids is not None:
        people = people.filter(constituency__in=constituency_ids)
    people = list(people)
    emailable = set(
        contactable(Person.objects.filter(pk__in=[p.pk for p in people])).values_list(
            "pk", flat=True
        )
    )
    for person in people:
        person.can_email = person.pk in emailable
    return people


def study_meetings(network: Network) -> dict[str, list]:
    """A study group's published meetings: those to come, and the latest past ones."""
    from django.utils import timezone

    meetings = list(
        network.meetings.filter(event__status="published")
        .select_related("event")
        .order_by("event__starts", "pk")
    )
    now = timezone.now()
    return {
        "upcoming": [m for m in meetings if m.event.ends >= now],
        "past": [m for m in meetings if m.event.ends < now][-5:],
    }


def union_links(constituency_ids: frozenset[int] | None) -> list[dict]:
    """The trade union links of each CLP the viewer may see: the liaison officer,
    members per union (from membership records), the union branches with their
    officers, joint work and General Committee delegates, and key activists.
    A fixed number of queries however many CLPs."""
    from collections import defaultdict

    from django.db.models import Count, Prefetch, Q
    from django.utils import timezone

    from members.models import Constituency, Membership, Office
    from members.roles import Role
    from networks.models import CommunityOrganisation, UnionActivist, UnionDelegate

    today = timezone.localdate()
    constituencies = Constituency.objects.order_by("name")
    if constituency_ids is not None:
        constituencies = constituencies.filter(pk__in=constituency_ids)
    by_clp: dict[int, dict] = {
        c.pk: {
            "constituency": c,
            "liaison": [],
            "unions": [],
            "branches": [],
            "activists": [],
        }
        for c in constituencies
    }
    for office in (
        Office.objects.current()
        .for_constituency_ids(constituency_ids)
        .filter(role=Role.TRADE_UNION_LIAISON, branch__isnull=True)
        .select_related("person")
    ):
        by_clp[office.constituency_id]["liaison"].append(office.person)
    counts = (
        Membership.objects.for_constituency_ids(constituency_ids)
        .filter(status__in=[Membership.Status.CURRENT, Membership.Status.ARREARS])
        .exclude(trade_union="")
        .values("constituency_id", "trade_union")
        .annotate(members=Count("person", distinct=True))
        .order_by("constituency_id", "-members", "trade_union")
    )
    for row in counts:
        by_clp[row["constituency_id"]]["unions"].append(
            (row["trade_union"], row["members"])
        )
    current_delegates = UnionDelegate.objects.filter(
        Q(ends__isnull=True) | Q(ends__gt=today), starts__lte=today
    ).select_related("person")
    branches = (
        CommunityOrganisation.objects.for_constituency_ids(constituency_ids)
        .filter(kind=CommunityOrganisation.Kind.UNION_BRANCH)
        .prefetch_related(
            "union_officers",
            "joint_campaigns",
            "joint_events",
            Prefetch(
                "gc_delegates", queryset=current_delegates, to_attr="current_delegates"
            ),
        )
        .order_by("name", "pk")
    )
    for branch in branches:
        by_clp[branch.constituency_id]["branches"].append(branch)
    activists: dict[int, list] = defaultdict(list)
    for activist in (
        UnionActivist.objects.for_constituency_ids(constituency_ids)
        .select_related("person", "branch")
        .order_by("union", "person__last_name", "pk")
    ):
        activists[activist.person.constituency_id].append(activist)
    for clp_id, rows in activists.items():
        if clp_id in by_clp:
            by_clp[clp_id]["activists"] = rows
    return list(by_clp.values())
