"""Campaigns, teams and their rota, sessions and sign-ups, and progress against
targets."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from campaigns.models import (
    Campaign,
    Measure,
    Response,
    Session,
    SessionOutput,
    SessionSignup,
    Signature,
    Target,
    Team,
    TeamMembership,
)
from campaigns.services.common import LONDON, CampaignsError, reminders_about_cancel
from members.models import Person
from partyhub.audit.actions import AuditAction
from partyhub.audit.services import audit_log
from partyhub.comms.models import Reminder
from partyhub.comms.reminders import reminder_cancel, reminder_schedule
from partyhub.links import make_token, read_token
from partyhub.updates import SUCCESS, WARNING, Written, audit_detail, model_update

if TYPE_CHECKING:
    from partyhub.accounts.models import User


REMINDER_SESSION_DAY_BEFORE = "campaigns.session_day_before"


# --- the rota -------------------------------------------------------------------

ROTA_EPOCH = datetime.date(2000, 1, 3)
ROTA_WEEKS_AHEAD = 8


def rota_dates(*, team: Team, since: datetime.date, until: datetime.date):
    """The local dates of the team's rota from `since` to `until` inclusive."""
    if not team.has_rota:
        return
    # Without a first date, count from a fixed day: a fortnightly rota must keep the
    # same weeks whichever day the nightly run starts from.
    anchor = team.rota_starts or ROTA_EPOCH
    # The first rota day on or after the anchor, then every N weeks from there.
    first = anchor + datetime.timedelta(days=(team.weekday - anchor.weekday()) % 7)
    step = datetime.timedelta(weeks=max(team.every_weeks, 1))
    day = first
    if day < since:
        skips = (since - day).days // step.days
        day += step * skips
        if day < since:
            day += step
    while day <= until:
        yield day
        day += step


@transaction.atomic
def sessions_generate(
    *, team: Team, until: datetime.date, since: datetime.date | None = None
) -> list[Session]:
    """Create the sessions of the team's rota up to `until`; run it again and it
    adds only what is missing (unique team + start).

    Each session is built from the local date and local start time in the team's
    time zone and only then converted, so a Saturday 10:00 team meets at 10:00 on
    both sides of the clocks changing, not at 09:00 or 11:00.
    """
    from partyhub.scoping import today

    zone = ZoneInfo(team.timezone)
    since = since or today()
    created: list[Session] = []
    for day in rota_dates(team=team, since=since, until=until):
        starts = datetime.datetime.combine(day, team.start_time, tzinfo=zone)
        ends = starts + datetime.timedelta(minutes=team.duration_minutes)
        session, was_created = Session.objects.get_or_create(
            team=team,
            starts=starts,
            defaults={
                "ends": ends,
                "meeting_point": team.meeting_point,
            },
        )
        if was_created:
            created.append(session)
    return created


ROTA_FIELDS = ("weekday", "start_time", "every_weeks", "rota_starts", "timezone")


def _rota_starts(team: Team, *, since: datetime.date, until: datetime.date) -> set:
    if not team.has_rota:
        return set()
    zone = ZoneInfo(team.timezone)
    return {
        datetime.datetime.combine(day, team.start_time, tzinfo=zone)
        for day in rota_dates(team=team, since=since, until=until)
    }


@transaction.atomic
def sessions_replan(
    *, team: Team, previous: Team, actor: User | None
) -> tuple[int, int]:
    """After a team's rota or meeting point changes: the sessions still to come on
    the old rota go, so members see only the new rota's — deleted when nobody had
    signed up, else cancelled (their reminders stop). One-off sessions stay; planned
    sessions at the old meeting point move to the new one. Returns (removed,
    cancelled)."""
    from partyhub.scoping import today

    upcoming = list(
        Session.objects.filter(
            team=team, starts__gt=timezone.now(), status=Session.Status.PLANNED
        ).annotate(signed_up=Count("signups"))
    )
    if previous.meeting_point != team.meeting_point:
        Session.objects.filter(
            pk__in=[s.pk for s in upcoming], meeting_point=previous.meeting_point
        ).update(meeting_point=team.meeting_point)
    if not upcoming:
        return 0, 0
    until = max(s.starts for s in upcoming).date() + datetime.timedelta(days=1)
    old = _rota_starts(previous, since=today(), until=until)
    new = _rota_starts(team, since=today(), until=until)
    stale = [s for s in upcoming if s.starts in old and s.starts not in new]
    removed = [s for s in stale if not s.signed_up]
    cancelled = [s for s in stale if s.signed_up]
    Session.objects.filter(pk__in=[s.pk for s in removed]).delete()
    for session in cancelled:
        session.status = Session.Status.CANCELLED
        session.save(update_fields=["status"])
        session_reminders_follow(session=session)
    if stale:
        for cid in team.constituencies.values_list("pk", flat=True):
            audit_log(
                actor=actor,
                action=AuditAction.TEAM_ROTA_REPLAN,
                obj=team,
                constituency_id=cid,
                detail={"removed": len(removed), "cancelled": len(cancelled)},
            )
    return len(removed), len(cancelled)


TEAM_FIELDS = (
    "name",
    "campaign",
    "area",
    "weekday",
    "start_time",
    "duration_minutes",
    "every_weeks",
    "rota_starts",
    "meeting_point",
    "timezone",
)
ROTA_WATCHED = (*ROTA_FIELDS, "meeting_point")


def _rota_ahead(team: Team, written: Written) -> None:
    """The rota's sessions now, not at the nightly run: members who join today
    can sign up for this Saturday. Generating again adds only what is missing."""
    from partyhub.scoping import today

    created = sessions_generate(
        team=team, until=today() + datetime.timedelta(weeks=ROTA_WEEKS_AHEAD)
    )
    if created:
        written.note(
            ngettext(
                "%(n)s session added from the rota.",
                "%(n)s sessions added from the rota.",
                len(created),
            )
            % {"n": len(created)},
            SUCCESS,
        )


@transaction.atomic
def team_create(*, instance: Team, actor: Any) -> Written:
    """A new team: saved, and its rota's coming sessions made at once."""
    instance.full_clean()
    instance.save()
    audit_log(actor=actor, action=AuditAction.TEAM_CREATED, obj=instance)
    written = Written(instance)
    _rota_ahead(instance, written)
    return written


@transaction.atomic
def team_update(*, instance: Team, changes: dict[str, Any], actor: Any) -> Written:
    """An officer's edit of a team. When its rota or meeting point changed, the
    old rota's sessions still to come are re-planned (`sessions_replan`) and the
    new rota's made; every path (the admin, a script, a future page) gets that.
    Audited with old and new values."""
    previous = Team(**{f: getattr(instance, f) for f in ROTA_WATCHED})
    written = Written(instance)
    written.changed = model_update(
        instance=instance, changes=changes, fields=TEAM_FIELDS
    )
    if written.changed:
        audit_log(
            actor=actor,
            action=AuditAction.TEAM_UPDATED,
            obj=instance,
            detail=audit_detail(written.changed),
        )
    if set(written.changed) & set(ROTA_WATCHED):
        removed, cancelled = sessions_replan(
            team=instance, previous=previous, actor=actor
        )
        if removed or cancelled:
            written.note(
                _(
                    "The old rota's sessions still to come are gone: %(removed)s "
                    "removed, %(cancelled)s cancelled because people had signed "
                    "up (please tell them)."
                )
                % {"removed": removed, "cancelled": cancelled},
                WARNING,
            )
    _rota_ahead(instance, written)
    return written


SESSION_FIELDS = ("starts", "ends", "meeting_point", "status")


@transaction.atomic
def session_create(*, instance: Session, actor: Any) -> Session:
    """A one-off session added by hand."""
    instance.full_clean()
    instance.save()
    audit_log(actor=actor, action=AuditAction.SESSION_CREATED, obj=instance)
    return instance


@transaction.atomic
def session_update(
    *, instance: Session, changes: dict[str, Any], actor: Any
) -> Written:
    """A session moved or cancelled by hand: its sign-ups' reminders follow it
    (cancelled: nobody is reminded; moved: reminded the day before the new
    time)."""
    written = Written(instance)
    written.changed = model_update(
        instance=instance, changes=changes, fields=SESSION_FIELDS
    )
    if written.changed:
        audit_log(
            actor=actor,
            action=AuditAction.SESSION_UPDATED,
            obj=instance,
            detail=audit_detail(written.changed),
        )
        session_reminders_follow(session=instance)
    return written


@transaction.atomic
def session_delete(*, instance: Session, actor: Any) -> None:
    """A session removed by hand: its sign-ups' reminders go with it."""
    audit_log(actor=actor, action=AuditAction.SESSION_DELETED, obj=instance)
    _signups_drop(instance.signups.all())
    instance.delete()


def team_membership_create(*, instance: TeamMembership, actor: Any) -> TeamMembership:
    """An officer puts somebody on a team (the admin's inline row)."""
    return team_join(team=instance.team, person=instance.person, actor=actor)


def team_membership_update(
    *, instance: TeamMembership, changes: dict[str, Any], actor: Any
) -> TeamMembership:
    """Another person on the same row: the first leaves, the second joins."""
    person = changes.get("person")
    if person is None or person.pk == instance.person_id:
        return instance
    team_leave(team=instance.team, person=instance.person, actor=actor)
    return team_join(team=instance.team, person=person, actor=actor)


def team_membership_delete(*, instance: TeamMembership, actor: Any) -> None:
    """Taken off the team by an officer: as if they had left it (their sign-ups
    still to come and their reminders go too)."""
    team_leave(team=instance.team, person=instance.person, actor=actor)


def sessions_generate_all(*, weeks: int = ROTA_WEEKS_AHEAD) -> int:
    """The nightly run: every team with a rota gets its sessions `weeks` ahead."""
    from partyhub.scoping import today

    until = today() + datetime.timedelta(weeks=weeks)
    created = 0
    teams = Team.objects.filter(weekday__isnull=False, start_time__isnull=False)
    for team in teams.iterator():
        created += len(sessions_generate(team=team, until=until))
    return created


# --- sessions -------------------------------------------------------------------


def is_team_lead(team: Team, person: Person | None) -> bool:
    return person is not None and team.leads.filter(pk=person.pk).exists()


@transaction.atomic
def session_output_record(
    *,
    session: Session,
    actor: User | None,
    attended: list[Person],
    leaflets: int = 0,
    doors: int = 0,
    calls: int = 0,
    posters: int = 0,
    contacts: int = 0,
    notes: str = "",
    ward: Any = None,
) -> SessionOutput:
    """The lead records who came and what the session did. Recording again replaces
    the earlier figures (a correction), it never adds to them."""
    person = getattr(actor, "person", None)
    if not getattr(actor, "is_superuser", False) and not is_team_lead(
        session.team, person
    ):
        raise CampaignsError(_("Only a lead of this team can record its sessions."))
    for who in attended:
        SessionSignup.objects.update_or_create(
            session=session, person=who, defaults={"attended": True}
        )
    session.signups.exclude(person__in=attended).update(attended=False)
    output, _created = SessionOutput.objects.update_or_create(
        session=session,
        defaults={
            "leaflets": leaflets,
            "doors": doors,
            "calls": calls,
            "posters": posters,
            "contacts": contacts,
            "notes": notes,
            "ward": ward,
            "recorded_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    session.status = Session.Status.DONE
    session.save(update_fields=["status"])
    for cid in session.team.constituencies.values_list("pk", flat=True):
        audit_log(
            actor=actor,
            action=AuditAction.SESSION_OUTPUT_RECORD,
            obj=session,
            constituency_id=cid,
            detail={
                "attended": len(attended),
                "leaflets": leaflets,
                "doors": doors,
                "calls": calls,
                "posters": posters,
                "contacts": contacts,
            },
        )
    return output


# --- progress -------------------------------------------------------------------

_OUTPUT_FIELDS = {
    Measure.LEAFLETS: "leaflets",
    Measure.DOORS: "doors",
    Measure.CALLS: "calls",
    Measure.CONTACTS: "contacts",
}


# Other apps that count towards a measure (canvassing's doorstep contacts):
# fn(campaign, ward_id or None, since, until) -> int, registered from their ready().
_MEASURE_SOURCES: dict[str, dict[str, Any]] = {}


def register_measure_source(measure: str, key: str, source: Any) -> None:
    """Add (or replace, by key) a count that a target of `measure` includes."""
    _MEASURE_SOURCES.setdefault(measure, {})[key] = source


@dataclass(frozen=True)
class Progress:
    target: Target
    done: int

    @property
    def percent(self) -> int:
        if not self.target.number:
            return 100
        return min(100, round(100 * self.done / self.target.number))


def target_progress(target: Target) -> Progress:
    """How far a target has got: one aggregate query, whatever the session count."""
    campaign = target.campaign
    since = datetime.datetime.combine(campaign.starts, datetime.time.min, tzinfo=LONDON)
    until = datetime.datetime.combine(
        target.by + datetime.timedelta(days=1), datetime.time.min, tzinfo=LONDON
    )
    done = 0
    field = _OUTPUT_FIELDS.get(target.measure)
    if field is not None:
        outputs = SessionOutput.objects.filter(
            session__team__campaign=campaign,
            session__starts__gte=since,
            session__starts__lt=until,
        )
        if target.ward_id:
            outputs = outputs.filter(ward_id=target.ward_id)
        done = outputs.aggregate(total=Sum(field))["total"] or 0
    elif target.measure == Measure.SIGNATURES:
        signatures = Signature.objects.filter(
            petition__campaign=campaign, created__gte=since, created__lt=until
        )
        if target.ward_id:
            signatures = signatures.filter(person__ward_id=target.ward_id)
        done = signatures.count()
    elif target.measure == Measure.SURVEY_RESPONSES:
        responses = Response.objects.filter(
            survey__campaign=campaign, created__gte=since, created__lt=until
        )
        if target.ward_id:
            responses = responses.filter(ward_id=target.ward_id)
        done = responses.count()
    for source in _MEASURE_SOURCES.get(target.measure, {}).values():
        done += source(campaign, target.ward_id, since, until)
    return Progress(target=target, done=done)


def campaign_progress(campaign: Campaign) -> list[Progress]:
    return [target_progress(t) for t in campaign.targets.all()]


# --- teams from the portal ------------------------------------------------------


def teams_joinable(person: Person):
    """Teams working in the person's own constituency that they are not on."""
    return (
        Team.objects.filter(constituencies=person.constituency_id)
        .exclude(members=person)
        .distinct()
        .order_by("name")
    )


@transaction.atomic
def team_join(*, team: Team, person: Person, actor: User | None) -> TeamMembership:
    membership, created = TeamMembership.objects.get_or_create(team=team, person=person)
    if created:
        audit_log(
            actor=actor,
            action=AuditAction.TEAM_JOIN,
            obj=membership,
            constituency_id=person.constituency_id,
            detail={"team": team.pk},
        )
    return membership


@transaction.atomic
def team_leave(*, team: Team, person: Person, actor: User | None) -> None:
    memberships = TeamMembership.objects.filter(team=team, person=person)
    # An invitation not yet sent goes with the membership.
    reminders_about_cancel(
        model=TeamMembership, pks=memberships.values_list("pk", flat=True)
    )
    deleted, _rows = memberships.delete()
    # Off the team means off its leads too: no more of its contact details.
    team.leads.remove(person)
    # Sign-ups for sessions still to come go with the team.
    _signups_drop(
        SessionSignup.objects.filter(
            session__team=team, person=person, session__starts__gt=timezone.now()
        )
    )
    if deleted:
        audit_log(
            actor=actor,
            action=AuditAction.TEAM_LEAVE,
            constituency_id=person.constituency_id,
            detail={"team": team.pk, "person": person.pk},
        )


@transaction.atomic
def session_signup(
    *, session: Session, person: Person, actor: User | None
) -> SessionSignup:
    if not TeamMembership.objects.filter(team=session.team, person=person).exists():
        raise CampaignsError(_("Join the team first to sign up for its sessions."))
    if session.status != Session.Status.PLANNED or session.starts <= timezone.now():
        raise CampaignsError(_("This session is no longer open for sign-up."))
    signup, created = SessionSignup.objects.get_or_create(
        session=session, person=person
    )
    signup.session, signup.person = session, person
    _day_before_reminder(signup)
    if created:
        audit_log(
            actor=actor,
            action=AuditAction.SESSION_SIGNUP,
            obj=signup,
            constituency_id=person.constituency_id,
            detail={"session": session.pk},
        )
    return signup


def _day_before_reminder(signup: SessionSignup) -> None:
    session = signup.session
    due_at = session.starts - datetime.timedelta(days=1)
    if session.status != Session.Status.PLANNED or due_at <= timezone.now():
        return
    key = f"{REMINDER_SESSION_DAY_BEFORE}:{signup.pk}:{session.starts.isoformat()}"
    reminder = reminder_schedule(
        kind=REMINDER_SESSION_DAY_BEFORE,
        person=signup.person,
        due_at=due_at,
        about=signup,
        key=key,
    )
    if reminder.status == Reminder.Status.CANCELLED:
        # Cancelled, then planned again at the same time: the reminder is wanted.
        Reminder.objects.filter(pk=reminder.pk).update(status=Reminder.Status.PENDING)


@transaction.atomic
def session_reminders_follow(*, session: Session) -> None:
    """After an officer changes a session: a cancelled session sends nobody its
    day-before reminder, and a moved one sends it the day before the new time."""
    signups = list(session.signups.select_related("person", "session"))
    pending = Reminder.objects.filter(
        content_type=ContentType.objects.get_for_model(SessionSignup),
        object_id__in=[str(signup.pk) for signup in signups],
        kind=REMINDER_SESSION_DAY_BEFORE,
        status=Reminder.Status.PENDING,
    )
    if session.status == Session.Status.PLANNED:
        pending = pending.exclude(due_at=session.starts - datetime.timedelta(days=1))
    pending.update(status=Reminder.Status.CANCELLED)
    for signup in signups:
        _day_before_reminder(signup)


def _signups_drop(signups) -> None:
    # Cancel the reminders first: they point at the sign-up rows.
    for signup in signups:
        reminder_cancel(about=signup, kind=REMINDER_SESSION_DAY_BEFORE)
        signup.delete()


@transaction.atomic
def session_signup_cancel(
    *, session: Session, person: Person, actor: User | None
) -> None:
    _signups_drop(
        SessionSignup.objects.filter(
            session=session, person=person, session__starts__gt=timezone.now()
        )
    )


# --- signing up for sessions from a signed link --------------------------------------

SIGNUP_LINK_PURPOSE = "campaigns-team-signup"
SIGNUP_LINK_MAX_AGE_SECONDS = 60 * 60 * 24 * 30
REMINDER_TEAM_INVITE = "campaigns.team_invite"


def signup_link_max_age() -> int:
    return getattr(
        settings, "CAMPAIGNS_SIGNUP_LINK_MAX_AGE_SECONDS", SIGNUP_LINK_MAX_AGE_SECONDS
    )


def team_signup_url(*, team: Team, person: Person) -> str:
    """A link for one person on one team to sign up for its sessions without
    logging in (a supporter on the team has no account)."""
    token = make_token(SIGNUP_LINK_PURPOSE, person.pk, t=team.pk)
    return settings.SITE_URL.rstrip("/") + reverse(
        "campaigns:link_sessions", args=[token]
    )


def team_membership_from_token(token: str) -> TeamMembership:
    """The membership a sign-up link was made for. Raises LinkExpired or
    LinkInvalid; TeamMembership.DoesNotExist once the person has left the team."""
    payload = read_token(token, SIGNUP_LINK_PURPOSE, max_age=signup_link_max_age())
    return TeamMembership.objects.select_related("team", "person").get(
        team_id=payload.get("t"), person_id=payload["p"]
    )


@transaction.atomic
def team_invite(*, team: Team, person: Person, actor: User | None) -> TeamMembership:
    """Put a member or supporter on the team and email them, once, a link to sign
    up for its sessions."""
    membership = team_join(team=team, person=person, actor=actor)
    reminder_schedule(
        kind=REMINDER_TEAM_INVITE,
        person=person,
        due_at=timezone.now(),
        about=membership,
        key=f"{REMINDER_TEAM_INVITE}:{membership.pk}",
    )
    return membership
