"""What campaigning holds about a person (partyhub.personal_data)."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from partyhub.personal_data import DELETE, KEEP, Anonymise, Repoint, register
from partyhub.personal_data.timeline import (
    NO_TIMELINE,
    gettext,
    label_of,
    m2m_ids,
    m2m_scope,
    register_roles,
    timeline_of,
    timelines,
)

OFFICERS_WORK = _("Who prepared it; the login itself is closed and anonymised")


def _answers(person: Any):
    from campaigns.models import Answer

    return Answer.objects.filter(response__person=person)


def _signed_up(s: Any):
    yield s.created, gettext("Signed up for a %s session") % s.session.team.name


def _did_session(s: Any):
    yield s.session.starts, gettext("Did a %s session") % s.session.team.name


def _session_done() -> Q:
    return Q(session__status="done")


def _team_hosts() -> tuple[Any, str]:
    from campaigns.models import Team

    return Team.constituencies.through, "team_id"


def _signups(moments: Any, newest: Any, **kwargs: Any) -> Any:
    """One part of a session sign-up's timeline (signed up; did the session):
    each is one entry a sign-up, so the page counts them in the database and
    reads only its newest rows, as bookings do."""
    return timeline_of(
        "campaigns.SessionSignup",
        kind="teams",
        moments=moments,
        newest=newest,
        constituencies=m2m_ids("session.team.constituencies"),
        scope=m2m_scope("session__team_id", _team_hosts),
        select_related=("session__team",),
        prefetch=("session__team__constituencies",),
        **kwargs,
    )


def _roles_rows(person: Any) -> list[Any]:
    """The rows "roles now" reads: teams joined, teams led."""
    from campaigns.models import Team, TeamMembership

    return [
        TeamMembership.objects.filter(person=person),
        Team.objects.filter(leads=person),
    ]


def _roles_now(person: Any) -> list[tuple[Any, list[str]]]:
    memberships, led = _roles_rows(person)
    teams = [m.team.name for m in memberships.select_related("team")]
    leads = [t.name for t in led]
    return [(gettext("Teams"), teams), (gettext("Team lead of"), leads)]


def register_all() -> None:
    register(
        "campaigns.Signature",
        person_field="person",
        user_fields=("entered_by",),
        export=[("petition", "petition.title"), "source", "created"],
        section="petition_signatures",
        select_related=("petition",),
        # The petition still had its signatures.
        erase=KEEP(_("Signature counts; the person record is anonymised")),
        repoint=Repoint(prefer=("earliest", "created")),
        retention_category="petitions",
        describe=_("Petition signatures"),
        timeline=timeline_of(
            "campaigns.Signature",
            kind="petitions",
            moments=lambda s: [(s.created, gettext("Signed “%s”") % s.petition.title)],
            constituencies="petition.constituency_id",
            select_related=("petition",),
            only=("created", "petition__title", "petition__constituency"),
            newest="created",
        ),
    )
    register(
        "campaigns.TeamMembership",
        person_field="person",
        export=[("team", "team.name"), "joined"],
        section="campaign_teams",
        select_related=("team",),
        erase=DELETE,
        repoint=Repoint(prefer=("earliest", "joined")),
        retention_category="campaigning",
        describe=_("Campaign teams"),
        timeline=timeline_of(
            "campaigns.TeamMembership",
            kind="teams",
            moments=lambda m: [(m.joined, gettext("Joined the %s team") % m.team.name)],
            constituencies=m2m_ids("team.constituencies"),
            select_related=("team",),
            prefetch=("team__constituencies",),
        ),
    )
    register(
        "campaigns.Team",
        m2m_fields=("leads",),
        export=["name"],
        section="teams_led",
        erase=KEEP(_("The team stays; the person is removed from its leads")),
        retention_category="campaigning",
        describe=_("Campaign teams the person leads"),
        timeline=NO_TIMELINE(_("Team leads keep no date; the summary shows them")),
    )
    register(
        "campaigns.TeamLead",
        person_field="person",
        user_fields=("appointed_by",),
        export=[("team", "team.name"), ("appointed_for", "appointed_for.name")],
        section="team_lead_appointments",
        select_related=("team", "appointed_for"),
        erase=DELETE,
        repoint=Repoint(prefer=("earliest", "id")),
        retention_category="campaigning",
        describe=_("Appointments as a team lead"),
        timeline=NO_TIMELINE(_("No date is kept; the summary shows current leads")),
    )
    register(
        "campaigns.SessionSignup",
        person_field="person",
        export=[("team", "session.team.name"), ("starts", "session.starts"), "attended"],
        section="campaign_sessions",
        select_related=("session__team",),
        erase=KEEP(_("Turnout counts; the person record is anonymised")),
        repoint=Repoint(prefer=("earliest", "created")),
        retention_category="campaigning",
        describe=_("Campaign sessions signed up for"),
        timeline=timelines(
            _signups(
                _signed_up, "created",
                only=("created", "session__team__name"),
            ),
            _signups(
                _did_session, F("session__starts"), where=_session_done,
                tag="session_done",
                only=("session__starts", "session__team__name"),
            ),
        ),
    )  # fmt: skip
    register(
        "campaigns.CallListEntry",
        person_field="person",
        user_fields=("reserved_by", "called_by"),
        export=[("call_list", "call_list.name"), "phone", "outcome", "notes",
                "called_at"],
        section="phone_bank_calls",
        select_related=("call_list",),
        # The campaign's call counts stay; the number and the caller's notes go.
        erase=Anonymise({"phone": "", "notes": ""}),
        retention_category="call_notes",
        describe=_("Phone bank calls and the callers' notes"),
        timeline=timeline_of(
            "campaigns.CallListEntry",
            kind="contacts",
            moments=lambda e: [
                (e.called_at, gettext("Phoned: %s") % label_of(e, "outcome"))
            ],
            constituencies="call_list.constituency_id",
            select_related=("call_list",),
            officers_only=True,
            newest="called_at",
        ),
    )  # fmt: skip
    register(
        "campaigns.StreetReport",
        person_field="reporter",
        m2m_fields=("forwarded_to",),
        export=["category", "location", "description", "status", "created"],
        section="street_reports",
        # The problem in the street is still worth fixing: the report stays,
        # without who made it or their words.
        erase=Anonymise({"reporter": None, "description": "", "action_taken": ""}),
        retention_category="campaigning",
        describe=_("Street problems reported"),
        timeline=timeline_of(
            "campaigns.StreetReport",
            kind="reports",
            moments=lambda r: [
                (r.created, gettext("Reported: %s") % label_of(r, "category")),
                (r.resolved_at, gettext("Their report was resolved")),
            ],
            constituencies="constituency_id",
        ),
    )
    register(
        "campaigns.Response",
        person_field="person",
        export=[("survey", "survey.title"), "postcode", "created"],
        section="survey_responses",
        select_related=("survey",),
        # Survey results stay, no longer linked to anybody.
        erase=Anonymise({"person": None, "postcode": ""}),
        repoint=Repoint(prefer=("earliest", "created")),
        retention_category="campaigning",
        describe=_("Survey responses"),
        timeline=timeline_of(
            "campaigns.Response",
            kind="surveys",
            moments=lambda r: [(r.created, gettext("Answered “%s”") % r.survey.title)],
            constituencies="survey.constituency_id",
            select_related=("survey",),
            newest="created",
        ),
    )
    register(
        "campaigns.Answer",
        rows=_answers,
        export=[("question", "question.text"), "value"],
        section="survey_answers",
        select_related=("question",),
        erase=KEEP(_("Survey results; the response is no longer linked to the person")),
        retention_category="campaigning",
        describe=_("Answers to surveys"),
        timeline=NO_TIMELINE(_("The survey response is the entry")),
    )
    register(
        "campaigns.CaseStudy",
        user_fields=("created_by",),
        # The person in a case study is named as text by the officer who wrote it
        # ("consent given by"), not as a Person: an officer edits or deletes it.
        erase=KEEP(OFFICERS_WORK),
        retention_category="campaigning",
        describe=_("Case studies an officer wrote up"),
        timeline=NO_TIMELINE(_("An officer's work, not the person's history")),
    )
    for label, fields in (
        ("campaigns.SessionOutput", ("recorded_by",)),
        ("campaigns.CallList", ("created_by",)),
    ):
        register(
            label,
            user_fields=fields,
            erase=KEEP(OFFICERS_WORK),
            retention_category="officers_work",
            describe=_("Campaign records an officer kept"),
            timeline=NO_TIMELINE(_("An officer's work, not the person's history")),
        )
    register_roles(_roles_now, order=20, rows=_roles_rows)
