"""The renewal desk and mentoring: contacts, welcomes, mentors and reminders.

Every email here goes through partyhub.comms reminders, each under a stable key,
so asking twice (a signal received twice, a bulk action double-clicked) mails once.

The mentoring timeline, from the moment a mentor is assigned:
- at once: the mentor is asked to get in touch (kind ``members.mentor_ask``);
- after 7 days with no contact logged: the mentor is reminded (``members.mentor_nudge``);
- after 14 days with no contact logged: the constituency's membership secretaries
  are told (``members.secretary_nudge``); for a new member welcomed here, 14 days
  from the welcome, mentor or not.
The nudges are cancelled when the first contact with the new member is logged,
by anybody.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import (
    ContactLog,
    Membership,
    Mentor,
    Mentorship,
    Office,
    Person,
)
from members.roles import Role
from members.selectors import new_member_since
from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log
from partyhub.comms.models import Reminder
from partyhub.comms.reminders import reminder_cancel, reminder_schedule
from partyhub.errors import DomainError
from partyhub.locks import hold
from partyhub.updates import adopt

if TYPE_CHECKING:
    from partyhub.accounts.models import User


WELCOME = "members.welcome"
ARREARS = "members.arrears_renewal"
MENTOR_ASK = "members.mentor_ask"
MENTOR_NUDGE = "members.mentor_nudge"
SECRETARY_NUDGE = "members.secretary_nudge"
DESK_EMAIL_PREFIX = "members.desk."

# A member is "new" for settings.NEW_MEMBER_DAYS after joining or rejoining
# (members.selectors.new_member_since): the desk's first list, and the only people
# welcomed when an import says they joined (a first import of the whole national
# list must not welcome people who joined years ago).
MENTOR_NUDGE_AFTER = datetime.timedelta(days=7)
SECRETARY_NUDGE_AFTER = datetime.timedelta(days=14)


class MentorFull(DomainError):
    pass


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def mentee_page_url(mentorship: Mentorship) -> str:
    return site_url(reverse("portal:mentee", args=[mentorship.pk]))


# --- the contact log ------------------------------------------------------------


def contact_log_add(*, instance: ContactLog, actor: Any) -> ContactLog:
    """A contact an officer records in the admin (`instance` from its form):
    through contact_log_create; the admin then logs and links to that entry."""
    entry = contact_log_create(
        person=instance.person,
        how=instance.how,
        outcome=instance.outcome,
        note=instance.note,
        at=instance.at,
        by_person=instance.by_person,
        actor=actor,
    )
    return adopt(instance, entry)


@transaction.atomic
def contact_log_create(
    *,
    person: Person,
    how: str,
    outcome: str,
    note: str = "",
    at: datetime.datetime | None = None,
    by_person: Person | None = None,
    actor: User | None,
) -> ContactLog:
    """Record one contact; the first with a new member stops their mentoring nudges."""
    entry = ContactLog.objects.create(
        person=person,
        by_person=by_person,
        by_user=actor if getattr(actor, "is_authenticated", False) else None,
        at=at or timezone.now(),
        how=how,
        outcome=outcome,
        note=note,
    )
    _first_contact(person_ids=[person.pk], at=entry.at)
    audit_log(
        actor=actor,
        action=AuditAction.CONTACTLOG_CREATE,
        obj=entry,
        detail={"person": person.pk, "how": how, "outcome": outcome},
    )
    return entry


@transaction.atomic
def contacts_log_bulk(
    *,
    people: Iterable[Person],
    how: str,
    outcome: str,
    note: str = "",
    by_person: Person | None = None,
    actor: User | None,
) -> int:
    """The desk's bulk action: one contact each for the selected people."""
    people = list(people)
    now = timezone.now()
    user = actor if getattr(actor, "is_authenticated", False) else None
    ContactLog.objects.bulk_create(
        ContactLog(
            person=p,
            by_person=by_person,
            by_user=user,
            at=now,
            how=how,
            outcome=outcome,
            note=note,
        )
        for p in people
    )
    _first_contact(person_ids=[p.pk for p in people], at=now)
    for constituency_id, count in Counter(p.constituency_id for p in people).items():
        audit_log(
            actor=actor,
            action=AuditAction.CONTACTLOG_BULK_CREATE,
            constituency_id=constituency_id,
            row_count=count,
            detail={"how": how, "outcome": outcome},
        )
    return len(people)


def _first_contact(*, person_ids: list[int], at: datetime.datetime) -> None:
    """A contact with a mentee ends the wait: record it, cancel the nudges."""
    waiting = list(
        Mentorship.objects.filter(
            mentee_id__in=person_ids, first_contact_at__isnull=True
        ).exclude(status=Mentorship.Status.ENDED)
    )
    for mentorship in waiting:
        mentorship.first_contact_at = at
        mentorship.save(update_fields=["first_contact_at"])
        for kind in (MENTOR_NUDGE, SECRETARY_NUDGE):
            reminder_cancel(about=mentorship, kind=kind)


# --- welcoming new members and assigning mentors --------------------------------


def _recent_joiners(
    person_ids: Iterable[int], since: datetime.date
) -> dict[int, Membership]:
    """The current membership of each of these people who joined or rejoined
    since `since` (asked in chunks: an import may name 100,000 people)."""
    ids = list(person_ids)
    latest: dict[int, Membership] = {}
    for start in range(0, len(ids), 5000):
        for m in (
            Membership.objects.filter(
                person_id__in=ids[start : start + 5000],
                status=Membership.Status.CURRENT,
            )
            .filter(Q(joined__gte=since) | Q(rejoined_on__gte=since))
            .order_by("person_id", "joined", "pk")
        ):
            latest[m.person_id] = m
    return latest


def new_joiners_welcome(
    *, person_ids: Iterable[int], now: datetime.datetime | None = None
) -> list[Mentorship]:
    """Welcome people who just joined or rejoined: an email and a mentor.

    Idempotent: the welcome email has a stable key (membership and joining date),
    and a member with an open mentorship keeps it.
    """
    now = now or timezone.now()
    since = new_member_since(timezone.localdate(now))
    welcomed = []
    for person_id, membership in _recent_joiners(person_ids, since).items():
        joined = membership.rejoined_on or membership.joined
        with transaction.atomic():
            person = Person.objects.select_for_update().get(pk=person_id)
            reminder_schedule(
                kind=WELCOME,
                person=person,
                due_at=now,
                about=membership,
                key=f"{WELCOME}:{membership.pk}:{joined.isoformat()}",
            )
            mentorship = (
                Mentorship.objects.filter(mentee=person)
                .exclude(status=Mentorship.Status.ENDED)
                .first()
            )
            if mentorship is not None and (
                timezone.localdate(mentorship.started_at) < joined
            ):
                # From an earlier spell of membership: a rejoiner starts afresh.
                mentorship.status = Mentorship.Status.ENDED
                mentorship.save(update_fields=["status"])
                for kind in (MENTOR_NUDGE, SECRETARY_NUDGE):
                    reminder_cancel(about=mentorship, kind=kind)
                mentorship = None
            if mentorship is None:
                mentorship = Mentorship.objects.create(
                    mentee=person,
                    membership=membership,
                    constituency_id=membership.constituency_id,
                    started_at=now,
                )
                audit_log(
                    actor=None, action=AuditAction.MENTORSHIP_CREATE, obj=mentorship
                )
                # The membership secretary hears after 14 days without a contact
                # whether or not a mentor could be found.
                _secretary_nudge_schedule(mentorship=mentorship, now=now)
            if mentorship.mentor_id is None:
                mentor_assign_auto(mentorship=mentorship, now=now)
            welcomed.append(mentorship)
    return welcomed


def new_joiners_sweep(*, now: datetime.datetime | None = None) -> int:
    """The daily safety net behind the `members_joined` signal: welcome every
    recent joiner who has no mentorship from this spell of membership yet (the
    signal's receiver failed, or the joiner was added some other way), and try
    again to find a mentor for those still waiting. Idempotent."""
    now = now or timezone.now()
    since = new_member_since(timezone.localdate(now))
    recent = Membership.objects.filter(status=Membership.Status.CURRENT).filter(
        Q(joined__gte=since) | Q(rejoined_on__gte=since)
    )
    started_this_spell = Mentorship.objects.filter(
        mentee_id=OuterRef("person_id"),
        started_at__date__gte=Coalesce(OuterRef("rejoined_on"), OuterRef("joined")),
    )
    unwelcomed = set(
        recent.exclude(Exists(started_this_spell)).values_list("person_id", flat=True)
    )
    waiting = set(
        Mentorship.objects.filter(
            status=Mentorship.Status.UNASSIGNED,
            mentee__memberships__in=recent,
        ).values_list("mentee_id", flat=True)
    )
    people = unwelcomed | waiting
    if people:
        new_joiners_welcome(person_ids=sorted(people), now=now)
    return len(people)


def _active_counts(mentor_ids: list[int]) -> dict[int, int]:
    return dict(
        Mentorship.objects.filter(
            mentor_id__in=mentor_ids, status=Mentorship.Status.ACTIVE
        )
        .values_list("mentor_id")
        .annotate(n=Count("pk"))
        .values_list("mentor_id", "n")
    )


@transaction.atomic
def mentor_assign_auto(
    *, mentorship: Mentorship, now: datetime.datetime | None = None
) -> Mentor | None:
    """Give a new member the least busy active mentor of their branch with room,
    else of their constituency; nobody with room: they wait on the desk.

    The constituency's mentor rows are locked while counting, so two imports or
    an officer assigning at the same moment never push a mentor over capacity.
    """
    hold(f"members-mentors:{mentorship.constituency_id}")
    candidates = list(
        Mentor.objects.select_for_update()
        .filter(constituency_id=mentorship.constituency_id, active=True)
        .exclude(person_id=mentorship.mentee_id)
        .order_by("pk")
    )
    if not candidates:
        return None
    counts = _active_counts([m.pk for m in candidates])
    branch_id = mentorship.membership.branch_id if mentorship.membership_id else None
    with_room = [m for m in candidates if counts.get(m.pk, 0) < m.capacity]
    if not with_room:
        return None
    with_room.sort(
        key=lambda m: (
            not (branch_id and m.branch_id == branch_id),
            counts.get(m.pk, 0),
            m.pk,
        )
    )
    mentor = with_room[0]
    _assign(mentorship=mentorship, mentor=mentor, now=now or timezone.now())
    audit_log(
        actor=None,
        action=AuditAction.MENTORSHIP_ASSIGN,
        obj=mentorship,
        detail={"mentor": mentor.person_id, "automatic": True},
    )
    return mentor


@transaction.atomic
def mentorship_update(
    *, instance: Mentorship, changes: dict[str, Any], actor: Any
) -> Mentorship:
    """An officer's edit of a mentorship in the admin: another mentor is an
    assignment (their capacity checked, the new member told)."""
    mentor = changes.get("mentor")
    if mentor is None:
        return instance
    return mentorship_assign(mentorship=instance, mentor=mentor, actor=actor)


@transaction.atomic
def mentorship_assign(
    *,
    mentorship: Mentorship,
    mentor: Mentor,
    actor: User | None,
    now: datetime.datetime | None = None,
) -> Mentorship:
    """An officer chooses the mentor (or changes it); capacity still holds."""
    mentor = Mentor.objects.select_for_update().get(pk=mentor.pk)
    if mentorship.mentor_id == mentor.pk:
        return mentorship
    if mentor.person_id == mentorship.mentee_id:
        raise MentorFull(_("A member cannot mentor themselves."))
    if mentor.constituency_id != mentorship.constituency_id:
        raise MentorFull(_("This mentor looks after another constituency's members."))
    if _active_counts([mentor.pk]).get(mentor.pk, 0) >= mentor.capacity:
        raise MentorFull(
            _("%(mentor)s already has %(n)s new members to look after.")
            % {"mentor": mentor, "n": mentor.capacity}
        )
    if mentorship.mentor_id is not None:
        # The old mentor's ask and nudge go; the membership secretary's 14-day
        # nudge is about the member, not the mentor, and stays as it was.
        for kind in (MENTOR_ASK, MENTOR_NUDGE):
            reminder_cancel(about=mentorship, kind=kind)
    _assign(mentorship=mentorship, mentor=mentor, now=now or timezone.now())
    audit_log(
        actor=actor,
        action=AuditAction.MENTORSHIP_ASSIGN,
        obj=mentorship,
        detail={"mentor": mentor.person_id},
    )
    return mentorship


def _assign(*, mentorship: Mentorship, mentor: Mentor, now: datetime.datetime) -> None:
    mentorship.mentor = mentor
    mentorship.assigned_at = now
    mentorship.status = Mentorship.Status.ACTIVE
    mentorship.save(update_fields=["mentor", "assigned_at", "status"])
    reminder_schedule(
        kind=MENTOR_ASK,
        person=mentor.person,
        due_at=now,
        about=mentorship,
        key=f"{MENTOR_ASK}:{mentorship.pk}:{mentor.pk}",
    )
    if mentorship.first_contact_at is not None:
        return  # somebody has already spoken to them: nothing to chase
    reminder_schedule(
        kind=MENTOR_NUDGE,
        person=mentor.person,
        due_at=now + MENTOR_NUDGE_AFTER,
        about=mentorship,
        key=f"{MENTOR_NUDGE}:{mentorship.pk}:{mentor.pk}",
    )
    _secretary_nudge_schedule(mentorship=mentorship, now=now)


def _secretary_nudge_schedule(
    *, mentorship: Mentorship, now: datetime.datetime
) -> None:
    """One nudge per membership secretary per mentorship (a stable key: one
    scheduled at the welcome keeps its time when a mentor is assigned later)."""
    for secretary in membership_secretaries(mentorship.constituency_id):
        reminder_schedule(
            kind=SECRETARY_NUDGE,
            person=secretary,
            due_at=now + SECRETARY_NUDGE_AFTER,
            about=mentorship,
            key=f"{SECRETARY_NUDGE}:{mentorship.pk}:{secretary.pk}",
        )


def membership_secretaries(constituency_id: int) -> list[Person]:
    return list(
        Person.objects.filter(
            pk__in=Office.objects.current()
            .filter(constituency_id=constituency_id, role=Role.MEMBERSHIP_SECRETARY)
            .values("person_id")
        )
    )


@transaction.atomic
def mentees_assign_bulk(
    *, memberships: Iterable[Membership], mentor: Mentor, actor: User | None
) -> tuple[int, list[str]]:
    """The desk's bulk action: the same mentor for several new members.

    Returns how many were assigned and why the others were not.
    """
    assigned, problems = 0, []
    for membership in memberships:
        if membership.constituency_id != mentor.constituency_id:
            problems.append(
                str(
                    _("%(person)s is in another constituency than the mentor.")
                    % {"person": membership.person}
                )
            )
            continue
        mentorship = (
            Mentorship.objects.filter(mentee_id=membership.person_id)
            .exclude(status=Mentorship.Status.ENDED)
            .first()
        ) or Mentorship.objects.create(
            mentee_id=membership.person_id,
            membership=membership,
            constituency_id=membership.constituency_id,
        )
        try:
            mentorship_assign(mentorship=mentorship, mentor=mentor, actor=actor)
        except MentorFull as exc:
            problems.append(str(exc))
            break
        assigned += 1
    return assigned, problems


# --- arrears and the desk's emails ----------------------------------------------


def arrears_reminders_schedule(
    *, membership_ids: Iterable[int], now: datetime.datetime | None = None
) -> int:
    """One renewal email per membership newly in arrears (keyed by the date it fell
    into arrears, so a repeated signal mails once and a later spell mails again)."""
    now = now or timezone.now()
    scheduled = 0
    for membership in Membership.objects.filter(
        pk__in=list(membership_ids), status=Membership.Status.ARREARS
    ).select_related("person"):
        since = membership.status_since or membership.expires
        reminder_schedule(
            kind=ARREARS,
            person=membership.person,
            due_at=now,
            about=membership,
            key=f"{ARREARS}:{membership.pk}:{since.isoformat() if since else '-'}",
        )
        scheduled += 1
    return scheduled


@dataclass(frozen=True)
class DeskTemplate:
    key: str
    label: Any
    subject: Any
    body: Any  # Markdown, with %(name)s, %(clp)s, %(renewal_url)s


DESK_TEMPLATES: dict[str, DeskTemplate] = {
    t.key: t
    for t in (
        DeskTemplate(
            "renew",
            _("Please renew your membership"),
            _("Your Labour membership: please renew"),
            _(
                "Hello %(name)s,\n\nYour membership of the Labour Party needs "
                "renewing. Being a member in good standing lets you vote in our "
                "meetings and selections, and keeps you part of %(clp)s.\n\n"
                "[Renew your membership](%(renewal_url)s)\n\nIf something has "
                "changed, or you would rather talk, just reply to this email."
            ),
        ),
        DeskTemplate(
            "welcome_back",
            _("Welcome back (rejoiners)"),
            _("Welcome back to %(clp)s"),
            _(
                "Hello %(name)s,\n\nThank you for rejoining the Labour Party: it is "
                "good to have you back in %(clp)s. Look out for our next meeting, "
                "and reply to this email if you would like to get involved."
            ),
        ),
        DeskTemplate(
            "keep_in_touch",
            _("Keeping in touch (former members)"),
            _("Keeping in touch with %(clp)s"),
            _(
                "Hello %(name)s,\n\nWe have not been in touch for a while, and we "
                "wanted to say hello from %(clp)s. You would be very welcome back "
                "whenever you are ready: [rejoin the party](%(renewal_url)s).\n\n"
                "If you have any thoughts on what we could do better, just reply."
            ),
        ),
    )
}


def desk_email_kind(template_key: str) -> str:
    return f"{DESK_EMAIL_PREFIX}{template_key}"


@transaction.atomic
def desk_email_schedule(
    *, memberships: Iterable[Membership], template: str, actor: User | None
) -> int:
    """One templated email to each selected member, through comms (consent is
    checked at send time). The same template to the same person on the same day
    is one email however often the action is run."""
    if template not in DESK_TEMPLATES:
        raise KeyError(template)
    now = timezone.now()
    day = timezone.localdate(now).isoformat()
    memberships = list(memberships)
    kind = desk_email_kind(template)
    keys = {m.pk: f"{kind}:{m.person_id}:{day}" for m in memberships}
    already = set(
        Reminder.objects.filter(key__in=keys.values()).values_list("key", flat=True)
    )
    created = 0
    for membership in memberships:
        if keys[membership.pk] in already:
            continue
        reminder_schedule(
            kind=kind,
            person=membership.person,
            due_at=now,
            about=membership,
            key=keys[membership.pk],
        )
        already.add(keys[membership.pk])
        created += 1
    for constituency_id, count in Counter(
        m.constituency_id for m in memberships
    ).items():
        audit_log(
            actor=actor,
            action=AuditAction.DESK_EMAIL,
            constituency_id=constituency_id,
            row_count=count,
            detail={"template": template},
        )
    return created


def renewal_url() -> str:
    return settings.NATIONAL_RENEWAL_URL
