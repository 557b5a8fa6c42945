"""Leaving the supporters' club from any email, and by an officer."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from partyhub.audit.models import AuditEntry
from partyhub.comms import sending
from partyhub.comms.consent import can_contact, consent_record
from partyhub.comms.models import Channel, ConsentEvent, Message, Method, Segment
from partyhub.comms.rendering import UNSUBSCRIBE_PURPOSE
from partyhub.comms.views import register_choice
from partyhub.links import make_token
from supporters import signup
from supporters.models import Supporter
from tests import factories


@pytest.fixture(autouse=True)
def leaving_registered():
    # SupportersConfig.ready() calls this in the running site.
    signup.register_leaving()


def make_supporter(constituency, *, member: bool = False) -> Supporter:
    person = factories.PersonFactory(constituency=constituency)
    if member:
        factories.MembershipFactory(person=person)
    consent_record(
        person=person,
        channel=Channel.EMAIL,
        granted=True,
        method=Method.SIGNUP_FORM,
        wording="Yes, email me the supporters' newsletter.",
    )
    return Supporter.objects.create(
        person=person,
        constituency=constituency,
        status=Supporter.Status.CONFIRMED,
        joined=timezone.localdate(),
    )


def page_url(person) -> str:
    token = make_token(UNSUBSCRIBE_PURPOSE, person.pk, t="newsletter", c=None)
    return reverse("comms:unsubscribe", args=[token])


def test_unsubscribe_page_offers_leaving_to_a_supporter(client, clp_a):
    supporter = make_supporter(clp_a)
    response = client.get(page_url(supporter.person))
    assert "Leave the supporters&#x27; club" in response.content.decode()
    supporter.refresh_from_db()
    assert supporter.status == Supporter.Status.CONFIRMED  # GET changes nothing


def test_leaving_from_the_page_marks_them_left_and_stops_email(client, clp_a):
    supporter = make_supporter(clp_a)
    person = supporter.person
    response = client.post(page_url(person), {"choice": signup.LEAVE_CHOICE})
    assert response.status_code == 200
    assert "You have left the supporters" in response.content.decode()
    supporter.refresh_from_db()
    assert supporter.status == Supporter.Status.LEFT
    assert supporter.left == timezone.localdate()
    assert not can_contact(person)
    events = list(
        ConsentEvent.objects.filter(person=person)
        .order_by("at", "pk")
        .values_list("granted", "method")
    )
    # The history is kept: the grant and then the withdrawal.
    assert events == [(True, Method.SIGNUP_FORM), (False, Method.UNSUBSCRIBE)]
    assert AuditEntry.objects.filter(action="supporter.leave", actor=None).count() == 1


def test_after_leaving_the_newsletter_does_not_reach_them(client, clp_a, mailoutbox):
    leaver = make_supporter(clp_a)
    stayer = make_supporter(clp_a)
    client.post(page_url(leaver.person), {"choice": signup.LEAVE_CHOICE})
    segment = Segment.objects.create(constituency=clp_a, name="Everyone", criteria={})
    message = Message.objects.create(
        constituency=clp_a,
        segment=segment,
        subject="Newsletter",
        body="News.",
        status=Message.Status.SCHEDULED,
    )
    sending.message_dispatch(message_id=message.pk)
    while ids := sending.deliveries_claim():
        sending.deliveries_send(ids=ids)
    assert [m.to for m in mailoutbox] == [[stayer.person.email]]


def test_leaving_is_not_offered_to_others(client, clp_a):
    person = factories.PersonFactory(constituency=clp_a)
    assert "Leave the supporters" not in client.get(page_url(person)).content.decode()
    left = make_supporter(clp_a)
    signup.supporter_leave(supporter=left, actor=None)
    page = client.get(page_url(left.person)).content.decode()
    assert "Leave the supporters" not in page
    # Posting the choice anyway is refused as an invalid choice; nothing changes.
    response = client.post(page_url(person), {"choice": signup.LEAVE_CHOICE})
    assert response.status_code == 200
    assert not Supporter.objects.filter(person=person).exists()


def test_a_member_who_leaves_the_club_keeps_members_email(client, clp_a):
    supporter = make_supporter(clp_a, member=True)
    response = client.post(page_url(supporter.person), {"choice": signup.LEAVE_CHOICE})
    assert "members" in response.content.decode()
    supporter.refresh_from_db()
    assert supporter.status == Supporter.Status.LEFT
    assert can_contact(supporter.person)


def test_officer_records_a_supporter_leaving(clp_a, officer_a):
    supporter = make_supporter(clp_a)
    signup.supporter_leave(supporter=supporter, actor=officer_a)
    signup.supporter_leave(supporter=supporter, actor=officer_a)  # harmless twice
    supporter.refresh_from_db()
    assert supporter.status == Supporter.Status.LEFT
    withdrawals = ConsentEvent.objects.filter(person=supporter.person, granted=False)
    assert [(e.method, e.recorded_by) for e in withdrawals] == [
        (Method.OFFICER, officer_a)
    ]
    entries = AuditEntry.objects.filter(action="supporter.leave")
    assert entries.count() == 2 and entries.first().actor == officer_a


def test_built_in_choices_cannot_be_replaced():
    with pytest.raises(ValueError):
        register_choice("email", "Mine", lambda person: "")
