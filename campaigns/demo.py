"""Campaigning in the demo: a campaign with ward targets part-way, a weekly
Saturday team with past sessions recorded and sessions to come, an open petition
with signatures, an open survey with answers, and street-watch reports. Called by
`manage.py seed_demo`; idempotent (found by name, slug or natural key)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from campaigns.models import (
    Answer,
    CallList,
    Campaign,
    CaseStudy,
    Measure,
    Petition,
    Question,
    Response,
    Session,
    SessionOutput,
    SessionSignup,
    Signature,
    StreetReport,
    Survey,
    Target,
    Team,
    TeamMembership,
)
from campaigns.services.teams import sessions_generate
from members.demo.helpers import members_of, non_members_of
from members.models import Ward

PAST_WEEKS = 8
QUESTIONS = (
    ("What worries you most about your street?", Question.Kind.CHOICE,
     "Speeding traffic\nLitter and fly-tipping\nAnti-social behaviour\nStreet lighting"),
    ("How safe do you feel after dark? (1 = not at all, 5 = very)",
     Question.Kind.SCALE, ""),
    ("Anything else you want us to know?", Question.Kind.TEXT, ""),
)  # fmt: skip


def seed_demo_app(*, constituencies: list, today: datetime.date) -> None:
    for constituency in constituencies:
        people = members_of(constituency)
        others = non_members_of(constituency)
        if len(people) < 30:
            continue
        wards = list(Ward.objects.filter(constituency=constituency).order_by("name"))
        campaign = _campaign(constituency, wards, today)
        _team(constituency, campaign, people, wards, today)
        _petition(constituency, campaign, people + others)
        _survey(constituency, campaign, people + others, wards)
        _street_reports(constituency, people, wards)
        _stories_and_calls(constituency, campaign, wards, today)


def _campaign(constituency, wards, today) -> Campaign:
    name = f"Safer streets in {constituency.name}"
    campaign = Campaign.objects.filter(name=name).first()
    starts = today - datetime.timedelta(weeks=PAST_WEEKS + 1)
    if campaign is None:
        campaign = Campaign.objects.create(
            name=name,
            description="Year-round campaigning on anti-social behaviour and "
            "street lighting, with a leaflet round every Saturday.",
            starts=starts,
        )
        campaign.constituencies.add(constituency)
    else:
        Campaign.objects.filter(pk=campaign.pk).update(starts=starts, ends=None)
    campaign.wards.set(wards[:3])
    by = today + datetime.timedelta(weeks=16)
    for ward in wards[:3]:
        Target.objects.update_or_create(
            campaign=campaign,
            measure=Measure.LEAFLETS,
            ward=ward,
            defaults={"number": 2000, "by": by},
        )
    Target.objects.update_or_create(
        campaign=campaign,
        measure=Measure.SIGNATURES,
        ward=None,
        defaults={"number": 100, "by": by},
    )
    return campaign


def _team(constituency, campaign, people, wards, today) -> None:
    from members.demo.helpers import organiser

    team, created = Team.objects.get_or_create(
        name=f"{constituency.name} Saturday team",
        defaults={
            "campaign": campaign,
            "weekday": 5,
            "start_time": datetime.time(10, 0),
            "duration_minutes": 60,
            "meeting_point": "Outside the library",
            "rota_starts": today - datetime.timedelta(weeks=PAST_WEEKS + 1),
        },
    )
    if created:
        team.constituencies.add(constituency)
    team.leads.set(people[:1])
    crew = people[:10]
    for person in crew:
        TeamMembership.objects.get_or_create(team=team, person=person)
    sessions_generate(
        team=team,
        since=today - datetime.timedelta(weeks=PAST_WEEKS),
        until=today + datetime.timedelta(weeks=8),
    )
    now = timezone.now()
    sessions = list(Session.objects.filter(team=team).order_by("starts"))
    actor = organiser()
    for n, session in enumerate(sessions):
        came = crew[: 4 + n % 4]
        for person in came:
            SessionSignup.objects.get_or_create(session=session, person=person)
        if session.starts < now and not hasattr(session, "output"):
            for person in came:
                SessionSignup.objects.filter(session=session, person=person).update(
                    attended=True
                )
            SessionOutput.objects.get_or_create(
                session=session,
                defaults={
                    "leaflets": 150 + 20 * len(came),
                    "doors": 10 * len(came),
                    "ward": wards[n % 3] if wards else None,
                    "recorded_by": actor,
                    "notes": "Round done; some letterboxes taped shut.",
                },
            )
            Session.objects.filter(pk=session.pk).update(status=Session.Status.DONE)
    # A member of the health network (who also posts there) came along to the
    # last Saturday round: the walkthrough's person with every kind of history.
    guest = people[12] if len(people) > 12 else None
    last = (
        Session.objects.filter(team=team, status=Session.Status.DONE)
        .order_by("-starts")
        .first()
    )
    if (
        guest is not None
        and last is not None
        and not SessionSignup.objects.filter(session__team=team, person=guest).exists()
    ):
        SessionSignup.objects.create(session=last, person=guest, attended=True)


def _petition(constituency, campaign, people) -> None:
    petition, _ = Petition.objects.get_or_create(
        slug=f"lights-{constituency.slug}",
        defaults={
            "constituency": constituency,
            "campaign": campaign,
            "title": "Fix our street lights",
            "text": "We call on the council to repair every broken street light in "
            f"{constituency.name} within a month of it being reported.",
            "target": 100,
            "status": Petition.Status.OPEN,
        },
    )
    for n, person in enumerate(people[10:70]):
        Signature.objects.get_or_create(
            petition=petition,
            person=person,
            defaults={
                "source": Signature.Source.PAPER
                if n % 4 == 0
                else Signature.Source.ONLINE
            },
        )


def _survey(constituency, campaign, people, wards) -> None:
    survey, _ = Survey.objects.get_or_create(
        slug=f"area-questionnaire-{constituency.slug}",
        defaults={
            "constituency": constituency,
            "campaign": campaign,
            "title": "Our area questionnaire",
            "intro": "Tell us what matters in your street. It takes two minutes.",
            "access": Survey.Access.PUBLIC,
            "status": Survey.Status.OPEN,
        },
    )
    questions = []
    for order, (text, kind, options) in enumerate(QUESTIONS):
        question, _ = Question.objects.get_or_create(
            survey=survey,
            order=order,
            defaults={"text": text, "kind": kind, "options": options},
        )
        questions.append(question)
    if survey.responses.exists():
        return
    choices = QUESTIONS[0][2].split("\n")
    for n, person in enumerate(people[20:60]):
        response = Response.objects.create(
            survey=survey, person=person, ward_id=person.ward_id
        )
        Answer.objects.create(
            response=response, question=questions[0], value=choices[n % 4]
        )
        Answer.objects.create(
            response=response, question=questions[1], value=str(1 + n % 5)
        )
        if n % 5 == 0:
            Answer.objects.create(
                response=response,
                question=questions[2],
                value="The alley behind the shops needs a light.",
            )


def _street_reports(constituency, people, wards) -> None:
    Category = StreetReport.Category
    now = timezone.now()
    for n, (category, where, status) in enumerate(
        (
            (Category.RUBBISH, "Alley behind the parade of shops", "resolved"),
            (Category.BROKEN_LIGHT, "Corner of Church Road", "forwarded"),
            (Category.ABANDONED_CAR, "Car park by the rec", "reported"),
            (Category.ANTI_SOCIAL, "Bus shelter on the high street", "forwarded"),
        )
    ):
        ward = wards[n % len(wards)] if wards else None
        StreetReport.objects.get_or_create(
            constituency=constituency,
            location=where,
            defaults={
                "ward": ward,
                "reporter": people[30 + n],
                "category": category,
                "description": "Reported by a member on their leaflet round.",
                "postcode": people[30 + n].postcode or "",
                "status": status,
                "forwarded_at": now if status != "reported" else None,
                "resolved_at": now if status == "resolved" else None,
                "action_taken": "The council cleared it within a week."
                if status == "resolved"
                else "",
            },
        )


def _stories_and_calls(constituency, campaign, wards, today) -> None:
    from partyhub.comms.models import Segment

    CaseStudy.objects.get_or_create(
        constituency=constituency,
        title="The lights came back on",
        defaults={
            "ward": wards[0] if wards else None,
            "policy_area": "Community safety",
            "text": "After our petition the council repaired 40 street lights in "
            "a month; residents say they feel safer walking home.",
            "consent_given": True,
            "consent_given_by": "Mrs A. Resident",
            "consent_date": today - datetime.timedelta(days=30),
        },
    )
    CallList.objects.get_or_create(
        constituency=constituency,
        name="Call members about the Saturday team",
        defaults={
            "campaign": campaign,
            "segment": Segment.objects.filter(constituency=constituency)
            .order_by("pk")
            .first(),
            "script": "Hello, I'm calling from the local Labour Party. Could you "
            "join our Saturday leaflet round for an hour?",
        },
    )
