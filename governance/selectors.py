"""Reading governance: the CLP's rules, who is entitled to attend, speak and vote
in a body, quorum, and a member's meetings and motions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from governance.models import (
    Attendance,
    Body,
    Delegation,
    Election,
    Meeting,
    Motion,
    Rules,
)
from members.models import Constituency, Membership, Office, Person


def rules_for(constituency: Constituency) -> Rules:
    """The CLP's rules, the defaults until an officer changes them (not saved)."""
    rules = Rules.objects.filter(constituency=constituency).first()
    return rules or Rules(constituency=constituency)


def _current_members(constituency_id: int) -> QuerySet[Membership]:
    return Membership.objects.filter(
        constituency_id=constituency_id, status=Membership.Status.CURRENT
    )


def _in_good_standing_since(
    qs: QuerySet[Membership], weeks: int, on: datetime.date
) -> QuerySet[Membership]:
    """Current memberships that have been current for at least `weeks` weeks on
    `on`: joined (or rejoined) on or before the cut-off."""
    cutoff = on - datetime.timedelta(weeks=weeks)
    return qs.annotate(_since=Coalesce("rejoined_on", "joined")).filter(
        _since__lte=cutoff
    )


@dataclass(frozen=True)
class Entitlement:
    """Person ids who may attend, speak and vote in a body on a day."""

    attend: frozenset[int]
    speak: frozenset[int]
    vote: frozenset[int]

    def of(self, person_id: int) -> str:
        if person_id in self.vote:
            return "vote"
        if person_id in self.speak:
            return "speak"
        if person_id in self.attend:
            return "attend"
        return ""


def _ids(qs: QuerySet[Any], field: str = "person_id") -> frozenset[int]:
    return frozenset(qs.values_list(field, flat=True))


def entitlement(body: Body, on: datetime.date | None = None) -> Entitlement:
    """Computed from memberships, offices and delegations, never typed in."""
    day = on or timezone.localdate()
    weeks = rules_for(body.constituency).good_standing_weeks
    members = _current_members(body.constituency_id)
    officers = _ids(
        Office.objects.current(day).filter(
            constituency_id=body.constituency_id, branch__isnull=True
        )
    )
    if body.kind in (Body.Kind.GC_ALL_MEMBER, Body.Kind.AGM):
        attend = _ids(members)
        vote = _ids(_in_good_standing_since(members, weeks, day))
        return Entitlement(attend, attend, vote)
    if body.kind == Body.Kind.GC_DELEGATE:
        delegates = _ids(
            Delegation.objects.current(day).filter(
                body=body,
                person__memberships__in=members,
            )
        )
        voting = (delegates | officers) & _ids(members)
        # Members may come and listen; delegates and officers speak and vote.
        return Entitlement(_ids(members), voting, voting)
    if body.kind == Body.Kind.EXECUTIVE:
        voting = officers & _ids(members)
        return Entitlement(voting, voting, voting)
    if body.kind == Body.Kind.BRANCH and body.branch_id is not None:
        branch_members = members.filter(branch_id=body.branch_id)
        attend = _ids(branch_members)
        vote = _ids(_in_good_standing_since(branch_members, weeks, day))
        return Entitlement(attend, attend, vote)
    if body.kind == Body.Kind.FORUM:
        forum_people = members.filter(person__forum_memberships__forum=body.forum_id)
        attend = _ids(forum_people)
        vote = _ids(_in_good_standing_since(forum_people, weeks, day))
        return Entitlement(attend, attend, vote)
    return Entitlement(frozenset(), frozenset(), frozenset())


def meeting_entitlement(meeting: Meeting) -> Entitlement:
    return entitlement(meeting.body, timezone.localdate(meeting.starts))


@dataclass(frozen=True)
class Quorum:
    needed: int
    present_voting: int
    present: int
    entitled_voting: int

    @property
    def reached(self) -> bool:
        return self.present_voting >= self.needed


def quorum(meeting: Meeting, entitled: Entitlement | None = None) -> Quorum:
    entitled = entitled or meeting_entitlement(meeting)
    here = _ids(Attendance.objects.filter(meeting=meeting))
    return Quorum(
        needed=meeting.body.quorum_for(len(entitled.vote)),
        present_voting=len(here & entitled.vote),
        present=len(here),
        entitled_voting=len(entitled.vote),
    )


def delegate_places(body: Body) -> list[dict[str, Any]]:
    """For a delegate GC: each branch and affiliate, its members, the delegates
    it may send and those it has today."""
    from governance.models import Affiliate
    from members.models import Branch

    members = _current_members(body.constituency_id)
    today = timezone.localdate()
    rows: list[dict[str, Any]] = []
    for branch in Branch.objects.filter(constituency_id=body.constituency_id):
        size = members.filter(branch=branch).count()
        rows.append(
            {
                "source": branch,
                "members": size,
                "entitled": body.delegates_for(size),
                "delegates": Delegation.objects.current(today)
                .filter(body=body, branch=branch)
                .count(),
            }
        )
    for affiliate in Affiliate.objects.filter(constituency_id=body.constituency_id):
        rows.append(
            {
                "source": affiliate,
                "members": affiliate.affiliated_members,
                "entitled": body.delegates_for(affiliate.affiliated_members),
                "delegates": Delegation.objects.current(today)
                .filter(body=body, affiliate=affiliate)
                .count(),
            }
        )
    return rows


def meetings_for(person: Person) -> list[Meeting]:
    """Meetings of the person's own CLP, of the bodies they may attend today
    (most recent first)."""
    if person.constituency_id is None:
        return []
    meetings = (
        Meeting.objects.filter(body__constituency_id=person.constituency_id)
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("event", "body", "body__constituency")
        .order_by("-event__starts")
    )
    # Entitlement today, once per body: the page costs the same however many
    # meetings each body has held.
    today = timezone.localdate()
    cache: dict[int, Entitlement] = {}
    mine = []
    for meeting in meetings:
        if meeting.body_id not in cache:
            cache[meeting.body_id] = entitlement(meeting.body, today)
        if person.pk in cache[meeting.body_id].attend:
            mine.append(meeting)
    return mine


def motions_of(person: Person) -> QuerySet[Motion]:
    return (
        Motion.objects.filter(Q(mover=person) | Q(seconder=person))
        .select_related("meeting__event", "amends", "composited_into")
        .order_by("-submitted")
    )


def open_ballots_for(person: Person) -> list[Election]:
    if person.constituency_id is None:
        return []
    elections = Election.objects.filter(
        body__constituency_id=person.constituency_id,
        method=Election.Method.ONLINE,
        status=Election.Status.BALLOT,
    ).select_related("body", "body__constituency")
    today = timezone.localdate()
    return [e for e in elections if person.pk in entitlement(e.body, today).vote]
