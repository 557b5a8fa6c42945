"""After the event: one thank-you with a feedback link per attendee, exactly
once; feedback in the admin, each CLP its own people's."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Booking, Event, Feedback
from events.services import feedback_url, rsvp_create, thank_yous_schedule
from events.tasks import schedule_thank_yous
from partyhub.comms.consent import consent_record
from partyhub.links import make_token
from tests import factories
from tests.events.conftest import forget_booked_email, make_event, member
from tests.helpers import send_all_mail


def _book(event, person, answer="yes"):
    booking = rsvp_create(event=event, person=person, answer=answer,
                          source="portal", actor=None)  # fmt: skip
    forget_booked_email()
    return booking


def _agreed(person):
    # A thank-you asks for feedback: it goes only with email consent.
    consent_record(person=person, channel="email", granted=True, method="portal")
    return person


def _end(event, hours_ago=1):
    ends = timezone.now() - datetime.timedelta(hours=hours_ago)
    Event.objects.filter(pk=event.pk).update(
        starts=ends - datetime.timedelta(hours=2), ends=ends
    )
    event.refresh_from_db()


@pytest.fixture
def ended(clp_a):
    event = make_event(clp_a, title="Curry night")
    return event


def test_thank_you_goes_once_to_those_booked_yes(clp_a, ended, mailoutbox):
    came = [_agreed(member(clp_a)) for _ in range(2)]
    for person in came:
        _book(ended, person)
    _book(ended, member(clp_a), answer="no")
    _book(ended, member(clp_a), answer="maybe")
    _end(ended)
    mailoutbox.clear()
    assert schedule_thank_yous() == 2
    assert schedule_thank_yous() == 0  # the beat tick again
    send_all_mail()
    send_all_mail()
    thanks = [m for m in mailoutbox if m.subject.startswith("Thank you")]
    assert sorted(m.to[0] for m in thanks) == sorted(p.email for p in came)
    assert "/events/feedback/" in thanks[0].body


def test_when_people_were_checked_in_only_they_are_thanked(clp_a, ended, mailoutbox):
    came, stayed_home = _agreed(member(clp_a)), _agreed(member(clp_a))
    booking = _book(ended, came)
    _book(ended, stayed_home)
    Booking.objects.filter(pk=booking.pk).update(attended_at=timezone.now())
    _end(ended)
    mailoutbox.clear()
    thank_yous_schedule()
    send_all_mail()
    assert [m.to[0] for m in mailoutbox] == [came.email]


def test_no_thank_you_without_email_consent(clp_a, ended, mailoutbox):
    agreed, never_asked = _agreed(member(clp_a)), member(clp_a)
    _book(ended, agreed)
    _book(ended, never_asked)
    _end(ended)
    mailoutbox.clear()
    assert thank_yous_schedule() == 2
    send_all_mail()
    assert [m.to[0] for m in mailoutbox] == [agreed.email]


def test_events_not_yet_over_or_long_over_get_no_thank_you(clp_a, mailoutbox):
    upcoming = make_event(clp_a)
    _book(upcoming, member(clp_a))
    old = make_event(clp_a)
    _book(old, member(clp_a))
    _end(old, hours_ago=24 * 10)
    assert thank_yous_schedule() == 0


def test_feedback_link_records_one_rating_per_person(client, clp_a, ended):
    person = member(clp_a)
    _book(ended, person)
    _end(ended)
    url = feedback_url(event=ended, person_id=person.pk)
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    assert client.get(path).status_code == 200
    bad = client.post(path, {"rating": "9", "comment": "x"})
    assert bad.status_code == 200
    assert "That choice is not on the list" in bad.text
    assert not Feedback.objects.exists()
    done = client.post(path, {"rating": "4", "comment": "Great curry"})
    assert "the organisers will read it" in done.text
    client.post(path, {"rating": "5", "comment": "Even better on reflection"})
    feedback = Feedback.objects.get()
    assert (feedback.person, feedback.rating) == (person, 5)
    # A character inside the token (the last one may only carry padding bits).
    tampered = path[:-10] + ("Q" if path[-10] != "Q" else "R") + path[-9:]
    assert client.post(tampered, {"rating": "1"}).status_code == 400
    other_purpose = make_token("events.rsvp", person.pk, e=ended.pk)
    assert (
        client.get(reverse("events:feedback", args=[other_purpose])).status_code == 400
    )


def test_officers_see_their_own_peoples_feedback(client, clp_a, clp_b, officer_a,
                                                 officer_b):  # fmt: skip
    event = make_event(clp_a, clp_b, title="Regional social")
    Feedback.objects.create(event=event, rating=5, comment="Loved it",
        person=factories.PersonFactory(constituency=clp_a))  # fmt: skip
    Feedback.objects.create(event=event, rating=2, comment="Too loud",
        person=factories.PersonFactory(constituency=clp_b))  # fmt: skip
    for officer, own, other in ((officer_a, "Loved it", "Too loud"),
                                (officer_b, "Too loud", "Loved it")):  # fmt: skip
        client.force_login(officer)
        page = client.get(reverse("admin:events_feedback_changelist"))
        assert page.status_code == 200
        assert own in page.text
        assert other not in page.text
        # Plain words: "Feedback" heading and "1 response" under the list.
        assert "<h1>Feedback</h1>" in page.text
        assert "1 response" in page.text and "1 feedback" not in page.text
