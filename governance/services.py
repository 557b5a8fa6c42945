"""Every write of governance: calling meetings, motions, the meeting itself,
minutes and elections. Each runs in a transaction and is audited; a refusal is a
`GovernanceError` a person can read."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Event
from events.services.creation import event_create_from_fields
from governance import selectors
from governance.audit import GovernanceAction
from governance.models import (
    ActionPoint,
    Affiliate,
    AgendaItem,
    Attendance,
    BallotCast,
    BallotTally,
    Body,
    Delegation,
    Election,
    Meeting,
    Minutes,
    Motion,
    Nomination,
    Paper,
    Rules,
)
from members.models import Office, Person
from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log
from partyhub.comms.reminders import reminder_schedule
from partyhub.errors import DomainError
from partyhub.updates import adopt, audit_detail, model_update

REMINDER_NOTICE = "governance.meeting_notice"
REMINDER_MINUTES = "governance.draft_minutes"
REMINDER_ACTION = "governance.action_chase"

_EVENT_KIND: dict[str, str] = {
    Body.Kind.BRANCH: Event.Kind.BRANCH_MEETING,
    Body.Kind.FORUM: Event.Kind.POLICY_FORUM,
}


class GovernanceError(DomainError):
    """A governance rule refused the request; nothing changed."""


def _lock_meeting(meeting: Meeting) -> Meeting:
    locked: Meeting = (
        Meeting.objects.select_for_update()
        .select_related("body", "event")
        .get(pk=meeting.pk)
    )
    return locked


# --- Settings an officer keeps (rules, bodies, affiliates) ----------------------


def _setting_create(*, instance: Any, actor: Any, action: str) -> Any:
    instance.full_clean()
    instance.save()
    audit_log(actor=actor, action=action, obj=instance)
    return instance


def _setting_update(
    *, instance: Any, changes: Mapping[str, Any], actor: Any, action: str
) -> Any:
    changed = model_update(
        instance=instance, changes=dict(changes), fields=list(changes)
    )
    if changed:
        audit_log(
            actor=actor, action=action, obj=instance, detail=audit_detail(changed)
        )
    return instance


@transaction.atomic
def rules_create(*, instance: Rules, actor: Any) -> Rules:
    """Set a CLP's rules (notice, deadlines, good standing, gender balance)."""
    rules: Rules = _setting_create(
        instance=instance, actor=actor, action=GovernanceAction.RULES_CREATED
    )
    return rules


@transaction.atomic
def rules_update(*, instance: Rules, changes: Mapping[str, Any], actor: Any) -> Rules:
    """Change a CLP's rules; the audit entry has old and new values."""
    rules: Rules = _setting_update(
        instance=instance,
        changes=changes,
        actor=actor,
        action=GovernanceAction.RULES_CHANGED,
    )
    return rules


@transaction.atomic
def body_create(*, instance: Body, actor: Any) -> Body:
    """Add a body (a GC, a branch, a forum) with its quorum."""
    body: Body = _setting_create(
        instance=instance, actor=actor, action=GovernanceAction.BODY_CREATED
    )
    return body


@transaction.atomic
def body_update(*, instance: Body, changes: Mapping[str, Any], actor: Any) -> Body:
    """Change a body; the audit entry has old and new values."""
    body: Body = _setting_update(
        instance=instance,
        changes=changes,
        actor=actor,
        action=GovernanceAction.BODY_CHANGED,
    )
    return body


@transaction.atomic
def affiliate_create(*, instance: Affiliate, actor: Any) -> Affiliate:
    """Add an affiliate (a union, a socialist society) of the CLP."""
    affiliate: Affiliate = _setting_create(
        instance=instance, actor=actor, action=GovernanceAction.AFFILIATE_CREATED
    )
    return affiliate


@transaction.atomic
def affiliate_update(
    *, instance: Affiliate, changes: Mapping[str, Any], actor: Any
) -> Affiliate:
    """Change an affiliate; the audit entry has old and new values."""
    affiliate: Affiliate = _setting_update(
        instance=instance,
        changes=changes,
        actor=actor,
        action=GovernanceAction.AFFILIATE_CHANGED,
    )
    return affiliate


# --- Delegates --------------------------------------------------------------------


@transaction.atomic
def delegation_appoint(
    *,
    body: Body,
    person: Person,
    actor: Any,
    branch: Any = None,
    affiliate: Any = None,
    starts: datetime.date | None = None,
) -> Delegation:
    """Appoint a delegate to a delegate GC, within the source's entitlement."""
    body = Body.objects.select_for_update().get(pk=body.pk)
    day = starts or timezone.localdate()
    if body.kind != Body.Kind.GC_DELEGATE:
        raise GovernanceError(_("Only a delegate General Committee has delegates."))
    if (branch is None) == (affiliate is None):
        raise GovernanceError(_("Say which branch or affiliate the delegate is from."))
    source = branch or affiliate
    if source.constituency_id != body.constituency_id:
        raise GovernanceError(_("That branch or affiliate is in another constituency."))
    members = person.memberships.filter(
        constituency_id=body.constituency_id, status="current"
    )
    if branch is not None:
        members = members.filter(branch=branch)
    if not members.exists():
        raise GovernanceError(
            _("%(person)s is not a member in good standing of %(source)s.")
            % {"person": person, "source": source}
        )
    if branch is not None:
        size = body.constituency.memberships.filter(
            branch=branch, status="current"
        ).count()
    else:
        size = affiliate.affiliated_members
    allowed = body.delegates_for(size)
    current = Delegation.objects.current(day).filter(
        body=body, branch=branch, affiliate=affiliate
    )
    if current.filter(person=person).exists():
        raise GovernanceError(
            _("%(person)s is already a delegate.") % {"person": person}
        )
    if current.count() >= allowed:
        raise GovernanceError(
            _("%(source)s may send %(n)d delegate(s) and already has them.")
            % {"source": source, "n": allowed}
        )
    delegation = Delegation.objects.create(
        body=body, person=person, branch=branch, affiliate=affiliate, starts=day
    )
    audit_log(actor=actor, action=GovernanceAction.DELEGATE_APPOINTED, obj=delegation)
    return delegation


def delegation_create(*, instance: Delegation, actor: Any) -> Delegation:
    """The admin's add form: appoint the delegate it describes, within the
    source's entitlement; `instance` becomes the saved delegation."""
    saved = delegation_appoint(
        body=instance.body,
        person=instance.person,
        branch=instance.branch,
        affiliate=instance.affiliate,
        starts=instance.starts,
        actor=actor,
    )
    return adopt(instance, saved)


@transaction.atomic
def delegation_update(
    *, instance: Delegation, changes: Mapping[str, Any], actor: Any
) -> Delegation:
    """Change a delegation (its end date); who, where from and when it started
    are fixed once appointed."""
    fixed = {"person", "body", "branch", "affiliate", "starts"} & set(changes)
    if fixed:
        raise GovernanceError(
            _(
                "Who a delegate is and where they are from cannot be changed: end "
                "this delegation and appoint again."
            )
        )
    delegation: Delegation = _setting_update(
        instance=instance,
        changes=changes,
        actor=actor,
        action=GovernanceAction.DELEGATION_CHANGED,
    )
    return delegation


# --- Calling a meeting --------------------------------------------------------------


def _next_position(meeting: Meeting, start: int, end: int) -> int:
    top = meeting.items.filter(position__gte=start, position__lt=end).aggregate(
        m=Max("position")
    )["m"]
    return start if top is None else top + 10


def _add_minutes_item(meeting: Meeting, of: Meeting) -> None:
    if not meeting.items.filter(kind=AgendaItem.Kind.MINUTES, minutes_of=of).exists():
        AgendaItem.objects.create(
            meeting=meeting,
            position=20,
            kind=AgendaItem.Kind.MINUTES,
            title=_("Minutes of the meeting of %(date)s")
            % {"date": timezone.localdate(of.starts).strftime("%-d %B %Y")},
            minutes_of=of,
        )


@transaction.atomic
def meeting_call(
    *,
    body: Body,
    title: str,
    starts: datetime.datetime,
    ends: datetime.datetime,
    actor: Any,
    venue: str = "",
    address: str = "",
    online_link: str = "",
    now: datetime.datetime | None = None,
) -> Meeting:
    """Call a meeting with the CLP's notice: its event (date, place, online link),
    the standing agenda, and notice to everyone entitled to attend."""
    now = now or timezone.now()
    rules = selectors.rules_for(body.constituency)
    if starts - now < datetime.timedelta(days=rules.notice_days):
        raise GovernanceError(
            _(
                "Members must have %(n)d days' notice: the meeting can be on "
                "%(date)s at the earliest."
            )
            % {
                "n": rules.notice_days,
                "date": timezone.localdate(
                    now + datetime.timedelta(days=rules.notice_days)
                ).strftime("%-d %B %Y"),
            }
        )
    description = _("Online: %(link)s") % {"link": online_link} if online_link else ""
    event = event_create_from_fields(
        kind=_EVENT_KIND.get(body.kind, Event.Kind.ALL_MEMBER_MEETING),
        title=title,
        starts=starts,
        ends=ends,
        venue=venue,
        address=address,
        description=description,
        constituencies=[body.constituency],
        actor=actor,
    )
    meeting = Meeting.objects.create(body=body, event=event, online_link=online_link)
    AgendaItem.objects.create(
        meeting=meeting,
        position=10,
        kind=AgendaItem.Kind.STANDING,
        title=_("Apologies for absence"),
    )
    last = (
        Meeting.objects.filter(
            body=body,
            minutes__status=Minutes.Status.CIRCULATED,
            event__starts__lt=starts,
        )
        .order_by("-event__starts")
        .first()
    )
    if last is not None:
        _add_minutes_item(meeting, last)
    AgendaItem.objects.create(
        meeting=meeting,
        position=30,
        kind=AgendaItem.Kind.STANDING,
        title=_("Matters arising"),
    )
    AgendaItem.objects.create(
        meeting=meeting,
        position=900,
        kind=AgendaItem.Kind.STANDING,
        title=_("Any other business"),
    )
    audit_log(actor=actor, action=GovernanceAction.MEETING_CALLED, obj=meeting)
    notices_send(meeting=meeting, now=now)
    return meeting


def notices_send(*, meeting: Meeting, now: datetime.datetime | None = None) -> int:
    """Notice to everyone entitled to attend, once each (a repeat sends nobody
    twice). A notice of a meeting a member is entitled to is a service message
    about their rights in the party, not marketing: it goes without email
    consent, and those with no email are listed for post."""
    now = now or timezone.now()
    entitled = selectors.meeting_entitlement(meeting)
    people = Person.objects.filter(pk__in=entitled.attend).exclude(email="")
    n = 0
    for person in people:
        reminder_schedule(
            kind=REMINDER_NOTICE,
            person=person,
            due_at=now,
            about=meeting,
            key=f"{REMINDER_NOTICE}:{meeting.pk}:{person.pk}",
        )
        n += 1
    return n


def notice_by_post(meeting: Meeting) -> Any:
    """Entitled people with no email address: their notice goes by post."""
    entitled = selectors.meeting_entitlement(meeting)
    return Person.objects.filter(pk__in=entitled.attend, email="").order_by(
        "last_name", "first_name"
    )


# --- Motions ------------------------------------------------------------------------


@transaction.atomic
def motion_submit(
    *,
    meeting: Meeting,
    mover: Person,
    seconder: Person | None,
    title: str,
    text: str,
    amends: Motion | None = None,
    now: datetime.datetime | None = None,
) -> Motion:
    meeting = _lock_meeting(meeting)
    now = now or timezone.now()
    if meeting.status != Meeting.Status.CALLED:
        raise GovernanceError(_("This meeting is no longer taking motions."))
    deadline = meeting.amendment_deadline if amends else meeting.motion_deadline
    if now > deadline:
        raise GovernanceError(
            _("The deadline for %(what)s was %(when)s.")
            % {
                "what": _("amendments") if amends else _("motions"),
                "when": timezone.localtime(deadline).strftime("%-d %B %Y, %H:%M"),
            }
        )
    if amends is not None:
        if amends.meeting_id != meeting.pk or amends.amends_id is not None:
            raise GovernanceError(_("Only a motion to this meeting can be amended."))
        if amends.status not in (Motion.Status.SUBMITTED, Motion.Status.ON_AGENDA):
            raise GovernanceError(_("That motion is no longer on the agenda."))
    if seconder is None:
        raise GovernanceError(_("A motion needs a seconder."))
    if seconder.pk == mover.pk:
        raise GovernanceError(_("The seconder must be someone other than the mover."))
    entitled = selectors.meeting_entitlement(meeting)
    if mover.pk not in entitled.vote:
        raise GovernanceError(_("You are not entitled to vote at this meeting."))
    if seconder.pk not in entitled.vote:
        raise GovernanceError(
            _("The seconder is not entitled to vote at this meeting.")
        )
    motion = Motion.objects.create(
        meeting=meeting,
        amends=amends,
        title=title,
        text=text,
        mover=mover,
        seconder=seconder,
    )
    audit_log(actor=mover.user, action=GovernanceAction.MOTION_SUBMITTED, obj=motion)
    return motion


def _agenda_item_for(motion: Motion) -> AgendaItem:
    meeting = motion.meeting
    if motion.amends is not None:
        parent_item = motion.amends.agenda_items.filter(meeting=meeting).first()
        if parent_item is None:
            raise GovernanceError(
                _("Accept the motion before its amendments: “%(m)s”.")
                % {"m": motion.amends}
            )
        position = parent_item.position - 1
        title = _("Amendment to “%(m)s”: %(t)s") % {"m": motion.amends, "t": motion}
    else:
        position = _next_position(meeting, 200, 800)
        title = _("Motion: %(t)s") % {"t": motion}
    return AgendaItem.objects.create(
        meeting=meeting,
        position=position,
        kind=AgendaItem.Kind.MOTION,
        title=title,
        motion=motion,
    )


@transaction.atomic
def motion_accept(*, motion: Motion, actor: Any) -> Motion:
    motion = Motion.objects.select_for_update().get(pk=motion.pk)
    if motion.status != Motion.Status.SUBMITTED:
        raise GovernanceError(_("Only a submitted motion can be accepted."))
    _agenda_item_for(motion)
    changed = model_update(
        instance=motion, changes={"status": Motion.Status.ON_AGENDA}, fields=["status"]
    )
    audit_log(
        actor=actor,
        action=GovernanceAction.MOTION_ACCEPTED,
        obj=motion,
        detail=audit_detail(changed),
    )
    return motion


@transaction.atomic
def motion_rule_out(*, motion: Motion, reason: str, actor: Any) -> Motion:
    motion = Motion.objects.select_for_update().get(pk=motion.pk)
    if not reason.strip():
        raise GovernanceError(_("Give the reason the motion is out of order."))
    if motion.status not in (Motion.Status.SUBMITTED, Motion.Status.ON_AGENDA):
        raise GovernanceError(_("This motion has already been dealt with."))
    motion.agenda_items.all().delete()
    changed = model_update(
        instance=motion,
        changes={"status": Motion.Status.OUT_OF_ORDER, "reason": reason.strip()},
        fields=["status", "reason"],
    )
    audit_log(
        actor=actor,
        action=GovernanceAction.MOTION_RULED_OUT,
        obj=motion,
        detail=audit_detail(changed),
    )
    return motion


@transaction.atomic
def motion_composite(
    *,
    motions: Iterable[Motion],
    title: str,
    text: str,
    actor: Any,
) -> Motion:
    """Merge motions on one subject into one composite, moved by the first
    motion's mover and seconded by the second's."""
    chosen = list(
        Motion.objects.select_for_update()
        .filter(pk__in=[m.pk for m in motions])
        .order_by("submitted", "pk")
    )
    if len(chosen) < 2:
        raise GovernanceError(_("Choose at least two motions to composite."))
    if len({m.meeting_id for m in chosen}) != 1 or any(m.amends_id for m in chosen):
        raise GovernanceError(_("Composite motions to the same meeting only."))
    if any(
        m.status not in (Motion.Status.SUBMITTED, Motion.Status.ON_AGENDA)
        for m in chosen
    ):
        raise GovernanceError(_("Only motions still to be debated can be composited."))
    composite = Motion.objects.create(
        meeting=chosen[0].meeting,
        title=title,
        text=text,
        mover=chosen[0].mover,
        seconder=chosen[1].mover,
        status=Motion.Status.ON_AGENDA,
    )
    _agenda_item_for(composite)
    for m in chosen:
        m.agenda_items.all().delete()
        model_update(
            instance=m,
            changes={"status": Motion.Status.COMPOSITED, "composited_into": composite},
            fields=["status", "composited_into"],
        )
    audit_log(
        actor=actor,
        action=GovernanceAction.MOTIONS_COMPOSITED,
        obj=composite,
        detail={"from": [m.pk for m in chosen]},
    )
    return composite


@transaction.atomic
def motion_send_on(*, motion: Motion, sent_to: str, actor: Any) -> Motion:
    motion = Motion.objects.select_for_update().get(pk=motion.pk)
    if motion.status != Motion.Status.CARRIED:
        raise GovernanceError(_("Only a motion that carried can be sent on."))
    if not sent_to.strip():
        raise GovernanceError(_("Say where the motion is sent."))
    changed = model_update(
        instance=motion,
        changes={"status": Motion.Status.SENT_ON, "sent_to": sent_to.strip()},
        fields=["status", "sent_to"],
    )
    audit_log(
        actor=actor,
        action=GovernanceAction.MOTION_SENT_ON,
        obj=motion,
        detail=audit_detail(changed),
    )
    return motion


# --- At the meeting -----------------------------------------------------------------


@transaction.atomic
def attendance_mark(
    *,
    meeting: Meeting,
    person: Person,
    present: bool,
    actor: Any,
    how: str = Attendance.How.TICKED,
) -> bool:
    meeting = _lock_meeting(meeting)
    if meeting.status == Meeting.Status.CANCELLED:
        raise GovernanceError(_("This meeting was cancelled."))
    if present:
        if person.pk not in selectors.meeting_entitlement(meeting).attend:
            raise GovernanceError(
                _("%(person)s is not entitled to attend this meeting.")
                % {"person": person}
            )
        _row, created = Attendance.objects.get_or_create(
            meeting=meeting, person=person, defaults={"how": how}
        )
        if created:
            audit_log(
                actor=actor,
                action=GovernanceAction.ATTENDANCE_MARKED,
                obj=meeting,
                detail={"person": person.pk, "how": how},
            )
        return created
    deleted, _n = Attendance.objects.filter(meeting=meeting, person=person).delete()
    if deleted:
        audit_log(
            actor=actor,
            action=GovernanceAction.ATTENDANCE_UNMARKED,
            obj=meeting,
            detail={"person": person.pk},
        )
    return bool(deleted)


_MOTION_OUTCOME: dict[str, str] = {
    AgendaItem.Outcome.CARRIED: Motion.Status.CARRIED,
    AgendaItem.Outcome.LOST: Motion.Status.LOST,
    AgendaItem.Outcome.REMITTED: Motion.Status.REMITTED,
    AgendaItem.Outcome.REFERRED: Motion.Status.REFERRED,
}


@transaction.atomic
def item_decide(
    *,
    item: AgendaItem,
    actor: Any,
    votes_for: int | None = None,
    votes_against: int | None = None,
    abstentions: int | None = None,
    nem_con: bool = False,
    outcome: str = "",
    decision: str = "",
) -> AgendaItem:
    """Record the vote and the decision on an agenda item. With counts and no
    outcome, the item carries when more vote for than against; nem. con. carries.
    A vote needs the meeting to be quorate."""
    meeting = _lock_meeting(item.meeting)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    voted = nem_con or votes_for is not None or votes_against is not None
    if voted and not selectors.quorum(meeting).reached:
        raise GovernanceError(_("The meeting is not quorate: no vote can be taken."))
    if voted and not outcome:
        if nem_con or (votes_for or 0) > (votes_against or 0):
            outcome = (
                AgendaItem.Outcome.APPROVED
                if item.kind == AgendaItem.Kind.MINUTES
                else AgendaItem.Outcome.CARRIED
            )
        else:
            outcome = AgendaItem.Outcome.LOST
    changed = model_update(
        instance=item,
        changes={
            "votes_for": None if nem_con else votes_for,
            "votes_against": None if nem_con else votes_against,
            "abstentions": None if nem_con else abstentions,
            "nem_con": nem_con,
            "outcome": outcome,
            "decision": decision,
        },
        fields=[
            "votes_for",
            "votes_against",
            "abstentions",
            "nem_con",
            "outcome",
            "decision",
        ],
    )
    motion = item.motion
    if motion is not None and outcome in _MOTION_OUTCOME:
        status = _MOTION_OUTCOME[outcome]
        if motion.amends_id and status == Motion.Status.LOST:
            status = Motion.Status.FELL
        model_update(instance=motion, changes={"status": status}, fields=["status"])
    if item.minutes_of_id and outcome == AgendaItem.Outcome.APPROVED:
        minutes = Minutes.objects.filter(meeting_id=item.minutes_of_id).first()
        if minutes is not None:
            model_update(
                instance=minutes,
                changes={"status": Minutes.Status.APPROVED, "approved_at": meeting},
                fields=["status", "approved_at"],
            )
            audit_log(
                actor=actor, action=GovernanceAction.MINUTES_APPROVED, obj=minutes
            )
    if changed:
        audit_log(
            actor=actor,
            action=GovernanceAction.ITEM_DECIDED,
            obj=item,
            detail=audit_detail(changed),
        )
    return item


@transaction.atomic
def action_add(
    *,
    meeting: Meeting,
    text: str,
    owner: Person,
    due: datetime.date,
    actor: Any,
    item: AgendaItem | None = None,
) -> ActionPoint:
    if owner.constituency_id != meeting.body.constituency_id:
        raise GovernanceError(_("The owner must be someone of this constituency."))
    action = ActionPoint.objects.create(
        meeting=meeting, item=item, text=text, owner=owner, due=due
    )
    audit_log(actor=actor, action=GovernanceAction.ACTION_ADDED, obj=action)
    return action


@transaction.atomic
def action_done(*, action: ActionPoint, actor: Any) -> ActionPoint:
    changed = model_update(
        instance=action,
        changes={"done_on": action.done_on or timezone.localdate()},
        fields=["done_on"],
    )
    if changed:
        audit_log(
            actor=actor,
            action=GovernanceAction.ACTION_DONE,
            obj=action,
            detail=audit_detail(changed),
        )
    return action


def actions_chase(*, today: datetime.date | None = None) -> int:
    """Remind owners of open actions due within three days or overdue, at most
    once a week each (the key makes a second run the same week send nothing)."""
    today = today or timezone.localdate()
    due = ActionPoint.objects.filter(
        done_on__isnull=True, due__lte=today + datetime.timedelta(days=3)
    ).select_related("owner")
    week = today.isocalendar()
    n = 0
    for action in due:
        if action.owner.email == "":
            continue
        reminder_schedule(
            kind=REMINDER_ACTION,
            person=action.owner,
            due_at=timezone.now(),
            about=action,
            key=f"{REMINDER_ACTION}:{action.pk}:{week.year}-{week.week}",
        )
        ActionPoint.objects.filter(pk=action.pk).update(last_chased=today)
        n += 1
    return n


# --- Minutes ------------------------------------------------------------------------


def _count_line(item: AgendaItem) -> str:
    if item.nem_con:
        return _("Carried nem. con.")
    if item.votes_for is None and item.votes_against is None:
        return item.get_outcome_display() if item.outcome else ""
    return _("For %(f)d, against %(a)d, abstentions %(ab)d: %(outcome)s.") % {
        "f": item.votes_for or 0,
        "a": item.votes_against or 0,
        "ab": item.abstentions or 0,
        "outcome": item.get_outcome_display().lower(),
    }


def minutes_text(meeting: Meeting) -> str:
    """Minutes drafted from the agenda, attendance, votes, decisions and actions."""
    q = selectors.quorum(meeting)
    present = (
        Person.objects.filter(meeting_attendances__meeting=meeting)
        .order_by("last_name", "first_name")
        .values_list("first_name", "last_name")
    )
    lines = [
        f"# {meeting.event.title}",
        "",
        timezone.localtime(meeting.starts).strftime("%A %-d %B %Y, %H:%M")
        + (f", {meeting.event.venue}" if meeting.event.venue else ""),
        "",
        _("**Present** (%(n)d; %(v)d entitled to vote; quorum %(q)d): %(names)s")
        % {
            "n": q.present,
            "v": q.present_voting,
            "q": q.needed,
            "names": ", ".join(f"{first} {last}" for first, last in present) or "—",
        },
        "",
    ]
    actions = list(meeting.actions.select_related("owner", "item"))
    for number, item in enumerate(
        meeting.items.select_related("motion").order_by("position", "pk"), start=1
    ):
        lines.append(f"## {number}. {item.title}")
        if item.motion_id:
            lines += ["", f"> {item.motion.text}"]
        count = _count_line(item)
        if count:
            lines += ["", count]
        if item.decision:
            lines += ["", item.decision]
        for action in actions:
            if action.item_id == item.pk:
                lines.append(
                    "- "
                    + _("Action: %(text)s — %(owner)s by %(due)s")
                    % {
                        "text": action.text,
                        "owner": action.owner,
                        "due": action.due.strftime("%-d %B %Y"),
                    }
                )
        lines.append("")
    loose = [a for a in actions if a.item_id is None]
    if loose:
        lines.append("## " + _("Actions"))
        for action in loose:
            lines.append(
                f"- {action.text} — {action.owner}, {action.due.strftime('%-d %B %Y')}"
            )
    return "\n".join(lines).strip() + "\n"


@transaction.atomic
def minutes_draft(*, meeting: Meeting, actor: Any) -> Minutes:
    meeting = _lock_meeting(meeting)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is not None and minutes.status != Minutes.Status.DRAFT:
        raise GovernanceError(
            _("These minutes were circulated: they are not redrafted.")
        )
    text = minutes_text(meeting)
    if minutes is None:
        minutes = Minutes.objects.create(meeting=meeting, text=text)
    else:
        model_update(instance=minutes, changes={"text": text}, fields=["text"])
    if meeting.status == Meeting.Status.CALLED:
        model_update(
            instance=meeting, changes={"status": Meeting.Status.HELD}, fields=["status"]
        )
    audit_log(actor=actor, action=GovernanceAction.MINUTES_DRAFTED, obj=minutes)
    return minutes


@transaction.atomic
def minutes_edit(*, minutes: Minutes, text: str, actor: Any) -> Minutes:
    if minutes.status == Minutes.Status.APPROVED:
        raise GovernanceError(_("Approved minutes cannot be changed."))
    changed = model_update(instance=minutes, changes={"text": text}, fields=["text"])
    if changed:
        audit_log(actor=actor, action=GovernanceAction.MINUTES_EDITED, obj=minutes)
    return minutes


@transaction.atomic
def minutes_circulate(
    *, minutes: Minutes, actor: Any, now: datetime.datetime | None = None
) -> Minutes:
    """Circulate the draft to those who attended and put its approval on the
    body's next meeting (or on the next one called)."""
    minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
    if minutes.status != Minutes.Status.DRAFT:
        raise GovernanceError(_("These minutes were already circulated."))
    now = now or timezone.now()
    model_update(
        instance=minutes,
        changes={"status": Minutes.Status.CIRCULATED, "circulated_at": now},
        fields=["status", "circulated_at"],
    )
    meeting = minutes.meeting
    for person in Person.objects.filter(meeting_attendances__meeting=meeting).exclude(
        email=""
    ):
        reminder_schedule(
            kind=REMINDER_MINUTES,
            person=person,
            due_at=now,
            about=minutes,
            key=f"{REMINDER_MINUTES}:{minutes.pk}:{person.pk}",
        )
    following = (
        Meeting.objects.filter(
            body=meeting.body,
            status=Meeting.Status.CALLED,
            event__starts__gt=meeting.starts,
        )
        .order_by("event__starts")
        .first()
    )
    if following is not None:
        _add_minutes_item(following, meeting)
    audit_log(actor=actor, action=GovernanceAction.MINUTES_CIRCULATED, obj=minutes)
    return minutes


# --- Elections ----------------------------------------------------------------------


ELECTION_FORM_FIELDS = (
    "body",
    "meeting",
    "role",
    "office_sought",
    "ward",
    "seats",
    "term_starts",
    "nominations_close",
    "method",
    "min_membership_weeks",
    "reserved_for_women",
)


def election_add(*, instance: Election, actor: Any) -> Election:
    """The admin's add form: create the election it describes, by the same rules
    as `election_create`; `instance` becomes the saved election."""
    saved = election_create(
        actor=actor, **{f: getattr(instance, f) for f in ELECTION_FORM_FIELDS}
    )
    return adopt(instance, saved)


def election_update(
    *, instance: Election, changes: Mapping[str, Any], actor: Any
) -> Election:
    """An election's details are fixed once it is created: nominations and the
    ballot rely on them. Saving the page unchanged changes nothing."""
    if changes:
        raise GovernanceError(
            _("An election's details cannot be changed once it is created.")
        )
    return instance


@transaction.atomic
def election_create(
    *,
    body: Body,
    role: str,
    term_starts: datetime.date,
    nominations_close: datetime.datetime,
    method: str,
    actor: Any,
    meeting: Meeting | None = None,
    seats: int = 1,
    min_membership_weeks: int = 52,
    reserved_for_women: bool = False,
    office_sought: str = "",
    ward: Any = None,
) -> Election:
    rules = selectors.rules_for(body.constituency)
    if (
        rules.gender_balance
        and role in ("chair", "secretary", "treasurer")
        and not reserved_for_women
    ):
        others = (
            Election.objects.filter(
                body__constituency=body.constituency,
                term_starts=term_starts,
                role__in=("chair", "secretary", "treasurer"),
            )
            .exclude(role=role)
            .values_list("reserved_for_women", flat=True)
        )
        if len(others) == 2 and not any(others):
            raise GovernanceError(
                _(
                    "The CLP's gender-balance rule: one of chair, secretary and "
                    "treasurer must be reserved for women."
                )
            )
    election = Election(
        body=body,
        meeting=meeting,
        role=role,
        seats=seats,
        term_starts=term_starts,
        nominations_close=nominations_close,
        method=method,
        min_membership_weeks=min_membership_weeks,
        reserved_for_women=reserved_for_women,
        office_sought=office_sought,
        ward=ward,
    )
    election.full_clean()
    election.save()
    audit_log(actor=actor, action=GovernanceAction.ELECTION_CREATED, obj=election)
    return election


def eligibility_problem(election: Election, person: Person) -> str:
    """Why the person cannot stand, or "" when they can."""
    from members.models import Membership

    membership = (
        Membership.objects.filter(
            person=person,
            constituency_id=election.body.constituency_id,
            status=Membership.Status.CURRENT,
        )
        .order_by("joined")
        .first()
    )
    if membership is None:
        return _("%(p)s is not a member in good standing.") % {"p": person}
    since = membership.rejoined_on or membership.joined
    cutoff = timezone.localdate(election.nominations_close) - datetime.timedelta(
        weeks=election.min_membership_weeks
    )
    if since > cutoff:
        return _("%(p)s has not been a member for %(w)d weeks.") % {
            "p": person,
            "w": election.min_membership_weeks,
        }
    if election.office_sought and not _on_the_panel(election, person).exists():
        return _("%(p)s is not on the panel for %(office)s.") % {
            "p": person,
            "office": election.get_office_sought_display(),
        }
    return ""


def _on_the_panel(election: Election, person: Person) -> Any:
    """The person's candidacies a selection may take: on the panel (or already
    selected) for that office in this constituency (and ward, for a council)."""
    from members.models import Candidate

    candidacies = Candidate.objects.filter(
        person=person,
        constituency_id=election.body.constituency_id,
        office_sought=election.office_sought,
        stage__in=(Candidate.Stage.PANEL, Candidate.Stage.SELECTED),
    )
    if election.ward_id:
        candidacies = candidacies.filter(ward_id=election.ward_id)
    return candidacies


@transaction.atomic
def nomination_add(
    *,
    election: Election,
    person: Person,
    actor: Any,
    declares_woman: bool = False,
    now: datetime.datetime | None = None,
) -> Nomination:
    election = Election.objects.select_for_update().get(pk=election.pk)
    now = now or timezone.now()
    if (
        election.status != Election.Status.NOMINATIONS
        or now > election.nominations_close
    ):
        raise GovernanceError(_("Nominations are closed."))
    problem = eligibility_problem(election, person)
    if problem:
        raise GovernanceError(problem)
    if election.reserved_for_women and not declares_woman:
        raise GovernanceError(_("This place is reserved for women."))
    if election.nominations.filter(person=person).exists():
        raise GovernanceError(_("%(p)s is already nominated.") % {"p": person})
    nomination = Nomination.objects.create(
        election=election, person=person, declares_woman=declares_woman
    )
    audit_log(actor=actor, action=GovernanceAction.NOMINATED, obj=nomination)
    return nomination


@transaction.atomic
def ballot_open(*, election: Election, actor: Any) -> Election:
    election = Election.objects.select_for_update().get(pk=election.pk)
    if election.status != Election.Status.NOMINATIONS:
        raise GovernanceError(_("The ballot is already open or closed."))
    candidates = list(election.nominations.filter(withdrawn=False))
    if not candidates:
        raise GovernanceError(_("Nobody is nominated."))
    for nomination in candidates:
        BallotTally.objects.get_or_create(election=election, nomination=nomination)
    model_update(
        instance=election,
        changes={"status": Election.Status.BALLOT},
        fields=["status"],
    )
    audit_log(actor=actor, action=GovernanceAction.BALLOT_OPENED, obj=election)
    return election


@transaction.atomic
def ballot_vote(*, election: Election, person: Person, nomination_id: int) -> None:
    """One person, one vote, in secret: that they voted goes in BallotCast, the
    vote in the candidate's running tally. Nothing about the vote is audited."""
    election = Election.objects.select_for_update().get(pk=election.pk)
    if (
        election.method != Election.Method.ONLINE
        or election.status != Election.Status.BALLOT
    ):
        raise GovernanceError(_("This ballot is not open."))
    today = timezone.localdate()
    if person.pk not in selectors.entitlement(election.body, today).vote:
        raise GovernanceError(_("You are not entitled to vote in this ballot."))
    tally = BallotTally.objects.filter(
        election=election, nomination_id=nomination_id, nomination__withdrawn=False
    ).first()
    if tally is None:
        raise GovernanceError(_("Choose one of the candidates."))
    try:
        with transaction.atomic():
            BallotCast.objects.create(election=election, person=person)
    except IntegrityError as exc:
        raise GovernanceError(_("You have already voted in this ballot.")) from exc
    BallotTally.objects.filter(pk=tally.pk).update(votes=F("votes") + 1)


@transaction.atomic
def ballot_close(*, election: Election, actor: Any) -> Election:
    election = Election.objects.select_for_update().get(pk=election.pk)
    if election.status not in (Election.Status.BALLOT, Election.Status.NOMINATIONS):
        raise GovernanceError(_("The ballot is already closed."))
    model_update(
        instance=election, changes={"status": Election.Status.CLOSED}, fields=["status"]
    )
    audit_log(
        actor=actor,
        action=GovernanceAction.BALLOT_CLOSED,
        obj=election,
        detail={"ballots": election.casts.count()},
    )
    return election


@transaction.atomic
def counts_record(
    *, election: Election, counts: Mapping[int, int], actor: Any
) -> Election:
    """The counts of a ballot held at the meeting, per nomination id."""
    election = Election.objects.select_for_update().get(pk=election.pk)
    if election.method != Election.Method.AT_MEETING:
        raise GovernanceError(_("An online ballot is counted by partyhub."))
    if election.status == Election.Status.DECLARED:
        raise GovernanceError(_("The result is already declared."))
    for nomination in election.nominations.filter(withdrawn=False):
        model_update(
            instance=nomination,
            changes={"counted_votes": int(counts.get(nomination.pk, 0))},
            fields=["counted_votes"],
        )
    model_update(
        instance=election, changes={"status": Election.Status.CLOSED}, fields=["status"]
    )
    audit_log(
        actor=actor,
        action=GovernanceAction.COUNTS_RECORDED,
        obj=election,
        detail={"counts": {str(k): v for k, v in counts.items()}},
    )
    return election


def results(election: Election) -> list[tuple[Nomination, int]]:
    """Candidates with their votes, most first. Online tallies are shown only
    once the ballot has closed (as the database says now)."""
    election.refresh_from_db(fields=["status"])
    if election.status not in (Election.Status.CLOSED, Election.Status.DECLARED):
        return []
    nominations = election.nominations.filter(withdrawn=False).select_related(
        "person", "tally"
    )
    rows = []
    for n in nominations:
        if election.method == Election.Method.ONLINE:
            votes = n.tally.votes if hasattr(n, "tally") else 0
        else:
            votes = n.counted_votes or 0
        rows.append((n, votes))
    return sorted(rows, key=lambda r: (-r[1], r[0].person.last_name))


@transaction.atomic
def election_declare(*, election: Election, actor: Any) -> list[Nomination]:
    """Declare the winners: each becomes an Office from the term's first day, and
    whoever held that office before stops holding it that day, so admin rights
    move with the result."""
    election = Election.objects.select_for_update().get(pk=election.pk)
    if election.status != Election.Status.CLOSED:
        raise GovernanceError(_("Close the ballot before declaring the result."))
    rows = results(election)
    if not rows:
        raise GovernanceError(_("There are no votes to count."))
    if (
        len(rows) > election.seats
        and rows[election.seats - 1][1] == rows[election.seats][1]
    ):
        raise GovernanceError(
            _("A tie for the last place: resolve it as the rules say, then record it.")
        )
    winners = [n for n, _v in rows[: election.seats]]
    if election.office_sought:
        return _selection_declare(election, winners, rows, actor)
    constituency = election.body.constituency
    start = election.term_starts
    winner_ids = {n.person_id for n in winners}
    for office in Office.objects.filter(
        constituency=constituency, role=election.role, branch__isnull=True
    ).exclude(person_id__in=winner_ids):
        if office.starts < start and (office.ends is None or office.ends > start):
            changed = model_update(
                instance=office, changes={"ends": start}, fields=["ends"]
            )
            audit_log(
                actor=actor,
                action=AuditAction.MEMBERS_OFFICE_ENDED,
                obj=office,
                detail=audit_detail(changed),
            )
    for nomination in winners:
        model_update(instance=nomination, changes={"elected": True}, fields=["elected"])
        office = Office.objects.create(
            person=nomination.person,
            role=election.role,
            constituency=constituency,
            starts=start,
        )
        audit_log(actor=actor, action=AuditAction.MEMBERS_OFFICE_STARTED, obj=office)
    model_update(
        instance=election,
        changes={"status": Election.Status.DECLARED},
        fields=["status"],
    )
    audit_log(
        actor=actor,
        action=GovernanceAction.RESULT_DECLARED,
        obj=election,
        detail={"votes": {str(n.person_id): v for n, v in rows}},
    )
    return winners


# --- Papers and reports -------------------------------------------------------------


@transaction.atomic
def paper_add(*, meeting: Meeting, title: str, file: Any, actor: Any) -> Any:
    paper = Paper(meeting=meeting, title=title, file=file)
    paper.full_clean()
    paper.save()
    audit_log(actor=actor, action=GovernanceAction.PAPER_ADDED, obj=paper)
    return paper


@transaction.atomic
def paper_remove(*, paper: Any, actor: Any) -> None:
    audit_log(
        actor=actor,
        action=GovernanceAction.PAPER_REMOVED,
        obj=paper.meeting,
        detail={"title": paper.title},
    )
    paper.file.delete(save=False)
    paper.delete()


def paper_create(*, instance: Paper, actor: Any) -> Paper:
    """The meeting page's papers inline: add the paper it describes."""
    paper: Paper = paper_add(
        meeting=instance.meeting, title=instance.title, file=instance.file, actor=actor
    )
    return adopt(instance, paper)


@transaction.atomic
def paper_update(*, instance: Paper, changes: Mapping[str, Any], actor: Any) -> Paper:
    """Rename a paper or replace its file; audited with old and new values."""
    old_file = instance.file.name
    changed = model_update(
        instance=instance, changes=dict(changes), fields=["title", "file"]
    )
    if "file" in changed and old_file:
        instance.file.storage.delete(old_file)
    if changed:
        audit_log(
            actor=actor,
            action=GovernanceAction.PAPER_CHANGED,
            obj=instance.meeting,
            detail=audit_detail(changed),
        )
    return instance


def paper_delete(*, instance: Paper, actor: Any) -> None:
    """The meeting page's papers inline: a paper ticked for deletion."""
    paper_remove(paper=instance, actor=actor)


@transaction.atomic
def report_add(*, meeting: Meeting, title: str, actor: Any) -> AgendaItem:
    """A report (the treasurer's, the campaign co-ordinator's) on the agenda,
    after the motions' place and before any other business."""
    if not title.strip():
        raise GovernanceError(_("Give the report a title."))
    item = AgendaItem.objects.create(
        meeting=meeting,
        position=_next_position(meeting, 100, 200),
        kind=AgendaItem.Kind.REPORT,
        title=title.strip(),
    )
    audit_log(actor=actor, action=GovernanceAction.REPORT_ADDED, obj=item)
    return item


def _selection_declare(
    election: Election,
    winners: list[Nomination],
    rows: list[tuple[Nomination, int]],
    actor: Any,
) -> list[Nomination]:
    """A candidate selection feeds the candidate pipeline: each winner's
    candidacy moves to Selected."""
    from members.models import Candidate

    for nomination in winners:
        model_update(instance=nomination, changes={"elected": True}, fields=["elected"])
        for candidacy in _on_the_panel(election, nomination.person):
            changed = model_update(
                instance=candidacy,
                changes={"stage": Candidate.Stage.SELECTED},
                fields=["stage"],
            )
            if changed:
                audit_log(
                    actor=actor,
                    action=AuditAction.MEMBERS_CANDIDATE_SELECTED,
                    obj=candidacy,
                    detail=audit_detail(changed),
                )
    model_update(
        instance=election,
        changes={"status": Election.Status.DECLARED},
        fields=["status"],
    )
    audit_log(
        actor=actor,
        action=GovernanceAction.RESULT_DECLARED,
        obj=election,
        detail={"votes": {str(n.person_id): v for n, v in rows}},
    )
    return winners
