"""What campaigning holds about a person (partyhub.personal_data)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from partyhub.personal_data import DELETE, KEEP, Anonymise, Repoint, register

OFFICERS_WORK = _("Who prepared it; the login itself is closed and anonymised")


def _answers(person: Any):
    from campaigns.models import Answer

    return Answer.objects.filter(response__person=person)


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
    )
    register(
        "campaigns.Team",
        m2m_fields=("leads",),
        export=["name"],
        section="teams_led",
        erase=KEEP(_("The team stays; the person is removed from its leads")),
        retention_category="campaigning",
        describe=_("Campaign teams the person leads"),
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
    )
    register(
        "campaigns.CaseStudy",
        user_fields=("created_by",),
        # The person in a case study is named as text by the officer who wrote it
        # ("consent given by"), not as a Person: an officer edits or deletes it.
        erase=KEEP(OFFICERS_WORK),
        retention_category="campaigning",
        describe=_("Case studies an officer wrote up"),
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
        )
