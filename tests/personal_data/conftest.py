"""A person with records in every app, named so that no factory value collides, for
the export, erasure and merge tests."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from campaigns.models import (
    Answer,
    CallList,
    CallListEntry,
    Campaign,
    Petition,
    Question,
    Response,
    Session,
    SessionSignup,
    Signature,
    StreetReport,
    Survey,
    Team,
    TeamMembership,
)
from events.models import Booking, Feedback
from members.models import Candidate, ContactLog, Interest, PersonInterest
from networks.models import (
    Comment,
    Consultation,
    Network,
    NetworkMembership,
    Post,
    Section,
    Thread,
    UnionActivist,
)
from partyhub.audit.services import audit_log
from partyhub.comms.consent import consent_record
from partyhub.comms.models import BouncedAddress, Channel, Method
from partyhub.comms.reminders import reminder_schedule
from supporters.models import Ask, AskReply, HelpOffer, SignupRequest, Supporter
from tests import factories
from tests.events.conftest import make_event

NAME = ("Zebedee", "Quillfeather-Marrowby")
EMAIL = "zebedee.quillfeather@example.net"
PHONE = "07700 900461"


def rich_person(clp, officer, *, first=NAME[0], last=NAME[1], email=EMAIL,
                phone=PHONE, tag="a"):  # fmt: skip
    """A member with a login and records in every app; returns the Person."""
    user = factories.UserFactory(email=email)
    person = factories.PersonFactory(
        constituency=clp, user=user, email=email, first_name=first, last_name=last,
        phone=phone, mobile=phone, address_line_1=f"1 {last} Lane", postcode="B8 1AA",
        notes=f"{first} prefers evenings",
    )  # fmt: skip
    factories.MembershipFactory(person=person, membership_number=f"Q{tag.upper()}0001")
    for channel in (Channel.EMAIL, Channel.PHONE):
        consent_record(
            person=person, channel=channel, granted=True, method=Method.PORTAL,
            wording="Can we contact you?", actor=user,
        )  # fmt: skip
    Supporter.objects.create(person=person, constituency=clp, status="confirmed")
    offer = HelpOffer.objects.create(
        constituency=clp, slug=f"poster-{tag}", label="Display a poster"
    )
    ask = Ask.objects.create(
        constituency=clp, offer=offer, subject=f"Posters {tag}", body="Please."
    )
    AskReply.objects.create(ask=ask, person=person, answer=AskReply.Answer.YES)
    SignupRequest.objects.create(email=email, data={"first_name": first})
    BouncedAddress.objects.create(email=email, reason=f"{email} unknown")

    event = make_event(clp, title=f"Quiz {tag}")
    Booking.objects.create(event=event, person=person, status="yes", source="portal")
    Feedback.objects.create(
        event=event, person=person, rating=4, comment=f"Great, from {first} {last}"
    )
    reminder_schedule(
        kind="comms.newsletter_missing",
        person=person,
        due_at=timezone.now() + datetime.timedelta(days=1),
        about=clp,
        key=f"test-{tag}-{person.pk}",
    )

    campaign = Campaign.objects.create(
        name=f"Library {tag}", starts=timezone.localdate()
    )
    campaign.constituencies.set([clp])
    petition = Petition.objects.create(
        constituency=clp, campaign=campaign, slug=f"library-{tag}", title="Library",
        text="Keep it open.", target=10, status=Petition.Status.OPEN,
    )  # fmt: skip
    Signature.objects.create(petition=petition, person=person, source="online")
    team = Team.objects.create(
        name=f"Team {tag}", campaign=campaign, weekday=5,
        start_time=datetime.time(10), duration_minutes=60,
    )  # fmt: skip
    team.constituencies.set([clp])
    team.leads.add(person)
    TeamMembership.objects.create(team=team, person=person)
    session = Session.objects.create(
        team=team,
        starts=timezone.now(),
        ends=timezone.now() + datetime.timedelta(hours=1),
    )
    SessionSignup.objects.create(session=session, person=person)
    call_list = CallList.objects.create(constituency=clp, name=f"Calls {tag}")
    CallListEntry.objects.create(
        call_list=call_list, person=person, phone=phone, notes=f"{first} was busy"
    )
    StreetReport.objects.create(
        constituency=clp, reporter=person, category="rubbish",
        description=f"Reported by {first} {last}, {phone}", location="Corner",
        postcode="B8 1AA",
    )  # fmt: skip
    survey = Survey.objects.create(constituency=clp, title="Roads", slug=f"roads-{tag}")
    question = Question.objects.create(survey=survey, text="Why?", kind="text")
    response = Response.objects.create(survey=survey, person=person, postcode="B8 1AA")
    Answer.objects.create(response=response, question=question, value="Potholes")

    network = Network.objects.create(name=f"Governors {tag}", topic="Schools")
    network.constituencies.add(clp)
    NetworkMembership.objects.create(network=network, person=person)
    thread = Thread.objects.create(network=network, title="Hello", author=person)
    Post.objects.create(thread=thread, author=person, body=f"I am {first} {last}")
    consultation = Consultation.objects.create(
        network=network, title="White paper", document="Doc", summary="S",
        deadline=timezone.localdate() + datetime.timedelta(days=30),
    )  # fmt: skip
    section = Section.objects.create(consultation=consultation, number=1, title="One")
    Comment.objects.create(section=section, person=person, body=f"{first} agrees")
    UnionActivist.objects.create(
        person=person, union="Unite", role="Rep", notes=f"{last} is keen"
    )

    Candidate.objects.create(
        person=person, office_sought="councillor", constituency=clp,
        notes=f"{first} {last} would be good",
    )  # fmt: skip
    ContactLog.objects.create(
        person=person, how="call", outcome="spoke", note=f"Rang {first} on {phone}",
        by_user=officer,
    )  # fmt: skip
    interest, _ = Interest.objects.get_or_create(name=f"Gardening {tag}")
    PersonInterest.objects.create(person=person, interest=interest, detail="roses")
    audit_log(
        actor=officer, action="person.updated", obj=person,
        detail={"changes": {"email": {"old": email, "new": email}}},
    )  # fmt: skip
    LogEntry.objects.create(
        user=officer,
        content_type=ContentType.objects.get_for_model(person),
        object_id=str(person.pk),
        object_repr=str(person),
        action_flag=CHANGE,
        change_message=f"Changed phone to {phone}",
    )
    return person


@pytest.fixture
def zebedee(clp_a, officer_a):
    return rich_person(clp_a, officer_a)
