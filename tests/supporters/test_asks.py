"""Asks: pick supporters who offered help in some wards, send through
communications, record replies from signed links or by hand, print the list."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from partyhub.audit.models import AuditEntry
from partyhub.comms import sending
from partyhub.comms.consent import consent_record
from partyhub.comms.models import Channel, Message, Method, Topic
from partyhub.links import make_token
from supporters.models import Ask, AskReply, HelpOffer, Supporter
from supporters.services import (
    SupportersError,
    ask_counts,
    ask_reply_record,
    ask_reply_url,
    ask_send,
)
from tests import factories
from tests.helpers import send_all_mail


def make_supporter(clp, ward, offers=(), status=Supporter.Status.CONFIRMED, **kw):
    person = factories.PersonFactory(constituency=clp, ward=ward, **kw)
    supporter = Supporter.objects.create(
        person=person, constituency=clp, status=status, joined=timezone.localdate()
    )
    supporter.offers.add(*offers)
    consent_record(
        person=person,
        channel=Channel.EMAIL,
        granted=True,
        method=Method.SIGNUP_FORM,
        wording="Yes, email me.",
    )
    return person


@pytest.fixture
def poster():
    return HelpOffer.objects.get(slug="poster", constituency=None)


@pytest.fixture
def wards(clp_a):
    return [factories.WardFactory(constituency=clp_a, name=n) for n in "XYZ"]


@pytest.fixture
def ask(clp_a, poster, wards, officer_a):
    ask = Ask.objects.create(
        constituency=clp_a,
        offer=poster,
        subject="Poster sites",
        body="The election is called: can you display a poster?",
        created_by=officer_a,
    )
    ask.wards.set(wards[:2])
    return ask


@pytest.fixture
def sent(ask, officer_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        ask_send(ask=ask, actor=officer_a)
    ask.refresh_from_db()
    return ask


@pytest.fixture
def people(clp_a, poster, wards):
    leaflets = HelpOffer.objects.get(slug="leaflets", constituency=None)
    x, y, z = wards
    return {
        "in_x": make_supporter(clp_a, x, [poster], address_line_1="1 Elm Road"),
        "in_y": make_supporter(clp_a, y, [poster, leaflets], address_line_1="2 Oak"),
        "other_ward": make_supporter(clp_a, z, [poster]),
        "other_offer": make_supporter(clp_a, x, [leaflets]),
        "pending": make_supporter(clp_a, x, [poster], status=Supporter.Status.PENDING),
        "left": make_supporter(clp_a, x, [poster], status=Supporter.Status.LEFT),
    }


def test_ask_goes_to_confirmed_supporters_who_offered_in_its_wards(
    people, sent, mailoutbox
):
    message = sent.message
    assert message.topic == Topic.CAMPAIGNS
    assert message.status == Message.Status.SCHEDULED
    assert message.segment.criteria["wards"]
    sending.message_dispatch(message_id=message.pk)
    send_all_mail()
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [people["in_x"].email, people["in_y"].email]
    )
    assert AuditEntry.objects.filter(action="ask.send").count() == 1


def test_each_email_carries_its_own_reply_links(people, sent, mailoutbox, client):
    sending.message_dispatch(message_id=sent.message_id)
    send_all_mail()
    for email in mailoutbox:
        html = email.alternatives[0][0]
        assert "%%ASK_" not in html and "%%ASK_" not in email.body
        links = re.findall(r"https?://[^\s\"')]+/ask/[^\s\"')]+/", email.body)
        assert len(links) == 3
        assert len(re.findall(r'href="https?://[^"]+/ask/[^"]+/"', html)) == 3
    email = next(m for m in mailoutbox if m.to == [people["in_x"].email])
    yes_link = re.findall(r"https?://[^\s\"')]+/ask/[^\s\"')]+/", email.body)[0]
    path = yes_link.split("testserver", 1)[-1].split("127.0.0.1:8000", 1)[-1]
    response = client.get(path)
    assert response.status_code == 200
    assert not AskReply.objects.exists()  # a GET (or a mail scanner) changes nothing
    client.post(path)
    reply = AskReply.objects.get()
    assert (reply.person, reply.answer) == (people["in_x"], AskReply.Answer.YES)


def test_ask_cannot_be_sent_twice(sent, officer_a):
    with pytest.raises(SupportersError):
        ask_send(ask=sent, actor=officer_a)
    assert Message.objects.count() == 1


def _path(ask, person, answer):
    url = ask_reply_url(ask_id=ask.pk, person_id=person.pk, answer=answer)
    return "/" + url.split("/", 3)[3]


def test_reply_link_records_once_and_can_change_answer(client, sent, people):
    person = people["in_x"]
    client.post(_path(sent, person, "yes"))
    client.post(_path(sent, person, "yes"))
    client.post(_path(sent, person, "done"))
    reply = AskReply.objects.get()
    assert reply.answer == "done"
    assert reply.recorded_by is None


def test_expired_reply_link_changes_nothing(client, sent, people, settings):
    path = _path(sent, people["in_x"], "yes")
    settings.COMMS_LINK_MAX_AGE_SECONDS = -1
    response = client.post(path)
    assert response.status_code == 410
    assert "expired" in response.text
    assert not AskReply.objects.exists()


def test_tampered_reply_link_changes_nothing(client, sent, people):
    path = _path(sent, people["in_x"], "yes")
    response = client.post(path[:-6] + "AAAAA/")
    assert response.status_code == 400
    assert "does not work" in response.text
    assert not AskReply.objects.exists()


def test_link_for_another_purpose_is_refused(client, sent, people):
    token = make_token("unsubscribe", people["in_x"].pk, a=sent.pk, r="yes")
    response = client.post(reverse("asks:reply", args=[token]))
    assert response.status_code == 400
    assert not AskReply.objects.exists()


def test_link_works_only_for_its_person(client, sent, people, clp_b, officer_b):
    alice, bob = people["in_x"], people["in_y"]
    client.force_login(officer_b)  # whoever follows it, the link speaks for alice
    client.post(_path(sent, alice, "yes"))
    assert list(AskReply.objects.values_list("person", flat=True)) == [alice.pk]
    assert not AskReply.objects.filter(person=bob).exists()
    # A link made for somebody outside the ask's constituency is refused.
    stranger = factories.PersonFactory(constituency=clp_b)
    response = client.post(_path(sent, stranger, "yes"))
    assert response.status_code == 400
    assert not AskReply.objects.filter(person=stranger).exists()


def test_officer_sends_ask_from_its_page(
    client, officer_a, ask, people, django_capture_on_commit_callbacks
):
    client.force_login(officer_a)
    page = client.get(reverse("admin:supporters_ask_change", args=[ask.pk]))
    assert "Send the ask now" in page.text
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("admin:supporters_ask_send", args=[ask.pk]))
    ask.refresh_from_db()
    assert ask.message is not None
    page = client.get(reverse("admin:supporters_ask_change", args=[ask.pk]))
    assert "Send the ask now" not in page.text


def test_officer_records_reply_by_hand(client, officer_a, sent, people):
    person = people["in_y"]
    client.force_login(officer_a)
    url = reverse("admin:supporters_ask_change", args=[sent.pk])
    response = client.post(
        url,
        {
            "replies-TOTAL_FORMS": "1",
            "replies-INITIAL_FORMS": "0",
            "replies-MIN_NUM_FORMS": "0",
            "replies-MAX_NUM_FORMS": "1000",
            "replies-0-person": person.pk,
            "replies-0-answer": "yes",
            "replies-0-ask": sent.pk,
            "_continue": "1",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    reply = AskReply.objects.get()
    assert (reply.person, reply.answer, reply.recorded_by) == (
        person,
        "yes",
        officer_a,
    )
    assert AuditEntry.objects.filter(action="askreply.record", actor=officer_a)


def test_counts_on_the_ask_page(client, officer_a, sent, people, mailoutbox):
    sending.message_dispatch(message_id=sent.message_id)
    send_all_mail()
    ask_reply_record(ask=sent, person=people["in_x"], answer="no")
    assert ask_counts(sent) == {"yes": 0, "no": 1, "done": 0, "none": 1}
    client.force_login(officer_a)
    page = client.get(reverse("admin:supporters_ask_change", args=[sent.pk]))
    assert "No reply yet: 1" in page.text


def test_printable_list_shows_only_yes_sayers_by_ward(
    client, officer_a, sent, people, wards
):
    ask_reply_record(ask=sent, person=people["in_x"], answer="yes")
    ask_reply_record(ask=sent, person=people["in_y"], answer="yes")
    ask_reply_record(ask=sent, person=people["other_ward"], answer="no")
    client.force_login(officer_a)
    response = client.get(reverse("admin:supporters_ask_print", args=[sent.pk]))
    assert response.status_code == 200
    text = response.text
    assert people["in_x"].full_name in text and "1 Elm Road" in text
    assert people["in_y"].full_name in text and "2 Oak" in text
    assert people["other_ward"].full_name not in text
    assert text.index(">X (1)<") < text.index(people["in_x"].full_name)
    assert text.index(">Y (1)<") < text.index(people["in_y"].full_name)
    assert "style=" not in text.split("<body", 1)[1]
    entry = AuditEntry.objects.get(action="ask.print_list")
    assert (entry.actor, entry.row_count) == (officer_a, 2)


def test_other_constituency_officer_sees_nothing_of_an_ask(
    client, officer_b, sent, people, django_capture_on_commit_callbacks
):
    ask_reply_record(ask=sent, person=people["in_x"], answer="yes")
    client.force_login(officer_b)
    listing = client.get(reverse("admin:supporters_ask_changelist"))
    assert listing.status_code == 200
    assert "Poster sites" not in listing.text
    for name in ("change", "print"):
        url = reverse(f"admin:supporters_ask_{name}", args=[sent.pk])
        assert client.get(url).status_code == 404
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("admin:supporters_ask_send", args=[sent.pk]))
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="ask.print_list").exists()


def test_ask_list_filters_by_party_wide_offer(client, officer_a, ask, poster):
    client.force_login(officer_a)
    url = reverse("admin:supporters_ask_changelist")
    response = client.get(url, {"offer": poster.pk})
    assert response.status_code == 200
    assert "Poster sites" in response.text
    assert "Poster sites" not in client.get(url, {"offer": "x"}).text
