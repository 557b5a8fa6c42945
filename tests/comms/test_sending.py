"""Messages reach exactly the people whose consent allows it, once each."""

import re

from django.urls import reverse
from django.utils import timezone

from members.models import Membership
from partyhub.comms import sending, tasks
from partyhub.comms.consent import consent_record
from partyhub.comms.models import (
    Channel,
    Delivery,
    Message,
    Method,
    Segment,
    SmtpCircuit,
    Topic,
)
from partyhub.comms.services import message_schedule
from tests.helpers import deliveries_send_all, grant_email


def test_only_people_with_email_consent_get_the_message(
    member_factory, scheduled, mailoutbox
):
    yes = member_factory(consent=True)
    no = member_factory(consent=False)
    message = scheduled()
    sending.message_dispatch(message_id=message.pk)
    deliveries_send_all()
    assert [m.to for m in mailoutbox] == [[yes.email]]
    assert Delivery.objects.get(person=no).status == Delivery.Status.SKIPPED
    assert Delivery.objects.get(person=yes).status == Delivery.Status.SENT


def test_global_opt_out_beats_email_consent(member_factory, scheduled, mailoutbox):
    person = member_factory(consent=True)
    consent_record(
        person=person, channel=Channel.ANY, granted=False, method=Method.OFFICER_PHONE
    )
    message = scheduled()
    sending.message_dispatch(message_id=message.pk)
    deliveries_send_all()
    assert mailoutbox == []
    assert Delivery.objects.get(person=person).status == Delivery.Status.SKIPPED


def test_topic_opt_out_stops_only_that_topic(member_factory, scheduled, mailoutbox):
    person = member_factory(consent=True)
    consent_record(
        person=person,
        channel=Channel.EMAIL,
        topic=Topic.EVENTS,
        granted=False,
        method=Method.UNSUBSCRIBE,
    )
    events = scheduled(topic=Topic.EVENTS, subject="Events")
    news = scheduled(topic=Topic.GENERAL, subject="News")
    sending.message_dispatch(message_id=events.pk)
    sending.message_dispatch(message_id=news.pk)
    deliveries_send_all()
    assert [m.subject for m in mailoutbox] == ["News"]


def test_one_email_per_person_in_overlapping_segment(
    clp_a, member_factory, make_message, officer_a, mailoutbox
):
    person = member_factory(consent=True)
    segment = Segment.objects.create(
        constituency=clp_a,
        name="Overlap",
        criteria={
            "everyone": True,
            "member_status": [Membership.Status.CURRENT, Membership.Status.ARREARS],
            "wards": [person.ward_id],
        },
    )
    message = make_message(segment=segment)
    message_schedule(message=message, actor=officer_a)
    sending.message_dispatch(message_id=message.pk)
    deliveries_send_all()
    assert len(mailoutbox) == 1
    assert Delivery.objects.filter(message=message).count() == 1


def test_every_message_names_the_clp_and_has_unsubscribe_link_and_headers(
    clp_a, member_factory, scheduled, mailoutbox
):
    member_factory(consent=True)
    message = scheduled()
    sending.message_dispatch(message_id=message.pk)
    deliveries_send_all()
    (email,) = mailoutbox
    assert clp_a.name in email.from_email
    assert clp_a.postal_address in email.body
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    one_click = re.match(r"<(.+)>", email.extra_headers["List-Unsubscribe"]).group(1)
    assert "/one-click/" in one_click
    html = email.alternatives[0][0]
    assert "<strong>quiz</strong>" in html
    assert "Unsubscribe" in html
    assert re.search(r"/comms/u/[^/\s]+/", email.body)


def test_markdown_html_is_sanitised(member_factory, scheduled, mailoutbox):
    member_factory(consent=True)
    message = scheduled(body="Hi <script>alert(1)</script> [x](javascript:alert(1))")
    sending.message_dispatch(message_id=message.pk)
    deliveries_send_all()
    html = mailoutbox[0].alternatives[0][0]
    assert "<script" not in html
    assert "javascript:" not in html


def test_dispatch_and_send_twice_mails_nobody_twice(
    member_factory, scheduled, mailoutbox
):
    for _ in range(5):
        member_factory(consent=True)
    message = scheduled()
    assert sending.message_dispatch(message_id=message.pk) == 5
    assert sending.message_dispatch(message_id=message.pk) == 0
    ids = sending.deliveries_claim()
    sending.deliveries_send(ids=ids)
    sending.deliveries_send(ids=ids)  # the same task delivered twice
    assert len(mailoutbox) == 5
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 5


def test_unsubscribe_before_next_batch_takes_effect(
    client, member_factory, scheduled, mailoutbox
):
    first = member_factory(consent=True)
    second = member_factory(consent=True)
    message = scheduled()
    sending.message_dispatch(message_id=message.pk)
    ids = sending.deliveries_claim(limit=1)
    sending.deliveries_send(ids=ids)
    (email,) = mailoutbox
    waiting = second if email.to == [first.email] else first
    # Before the next batch, the one still waiting unsubscribes (from an older email).
    from partyhub.comms.rendering import UNSUBSCRIBE_PURPOSE
    from partyhub.links import make_token

    token = make_token(
        UNSUBSCRIBE_PURPOSE, waiting.pk, t="general", c=waiting.constituency_id
    )
    response = client.post(reverse("comms:unsubscribe_one_click", args=[token]))
    assert response.status_code == 200
    deliveries_send_all()
    assert len(mailoutbox) == 1
    assert Delivery.objects.get(person=waiting).status == Delivery.Status.SKIPPED


def test_crashed_worker_claim_is_recovered_and_finished(
    member_factory, scheduled, mailoutbox, settings
):
    for _ in range(4):
        member_factory(consent=True)
    message = scheduled()
    sending.message_dispatch(message_id=message.pk)
    claimed = sending.deliveries_claim(limit=4)
    # The worker sent one, then died holding the rest of its claim.
    sending.deliveries_send(ids=claimed[:1])
    assert sending.deliveries_claim() == []  # the rest are still claimed
    settings.COMMS_CLAIM_LEASE_SECONDS = 0
    result = sending.deliveries_recover()
    assert result["freed"] == 3
    deliveries_send_all()
    assert len(mailoutbox) == 4
    assert len({tuple(m.to) for m in mailoutbox}) == 4
    sending.messages_finish()
    message.refresh_from_db()
    assert message.status == Message.Status.SENT


def test_tick_dispatches_due_messages_and_sends(
    member_factory, make_message, officer_a, mailoutbox, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from partyhub.celery import app

    app.conf.task_always_eager = True
    try:
        member_factory(consent=True)
        message = make_message()
        message_schedule(message=message, actor=officer_a)
        tasks.tick()
        tasks.tick()
    finally:
        app.conf.task_always_eager = False
    assert len(mailoutbox) == 1
    message.refresh_from_db()
    assert message.status == Message.Status.SENT


def test_hard_bounce_is_recorded_and_skipped_next_time(
    member_factory, scheduled, mailoutbox, monkeypatch
):
    import smtplib

    from django.core.mail.backends.locmem import EmailBackend

    from partyhub.comms.models import BouncedAddress

    person = member_factory(consent=True)

    def refuse(self, messages):
        raise smtplib.SMTPRecipientsRefused({person.email: (550, b"No such user")})

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    message = scheduled()
    sending.message_dispatch(message_id=message.pk)
    deliveries_send_all()
    delivery = Delivery.objects.get(person=person)
    assert delivery.status == Delivery.Status.FAILED
    assert "550" in delivery.error
    assert BouncedAddress.objects.filter(email=person.email.lower()).exists()
    monkeypatch.undo()
    again = scheduled(subject="Again")
    sending.message_dispatch(message_id=again.pk)
    deliveries_send_all()
    assert mailoutbox == []
    assert Delivery.objects.get(message=again).status == Delivery.Status.SKIPPED


def test_transient_failure_is_retried_later(
    member_factory, scheduled, mailoutbox, monkeypatch
):
    import smtplib

    from django.core.mail.backends.locmem import EmailBackend

    member_factory(consent=True)
    original = EmailBackend.send_messages

    def flaky(self, messages):
        raise smtplib.SMTPServerDisconnected("connection lost")

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
    message = scheduled()
    sending.message_dispatch(message_id=message.pk)
    deliveries_send_all()
    delivery = Delivery.objects.get(message=message)
    assert delivery.status == Delivery.Status.QUEUED
    assert delivery.not_before is not None and delivery.attempts == 1
    # The server went away: sending pauses until the next try.
    message.refresh_from_db()
    assert message.status == Message.Status.PAUSED
    assert sending.deliveries_claim() == []
    monkeypatch.setattr(EmailBackend, "send_messages", original)
    Delivery.objects.update(not_before=None)
    SmtpCircuit.objects.update(retry_at=timezone.now())
    deliveries_send_all()
    assert len(mailoutbox) == 1
    sending.messages_finish()
    message.refresh_from_db()
    assert message.status == Message.Status.SENT


def test_import_never_overwrites_local_consent(member_factory):
    from partyhub.comms.consent import can_contact

    person = member_factory(consent=False)
    consent_record(
        person=person, channel=Channel.EMAIL, granted=False, method=Method.PORTAL
    )
    assert (
        consent_record(
            person=person, channel=Channel.EMAIL, granted=True, method=Method.IMPORT
        )
        is None
    )
    assert not can_contact(person)
    grant_email(person, method=Method.PORTAL)
    assert can_contact(person)


def test_personalised_links_differ_per_recipient(
    member_factory, scheduled, mailoutbox, monkeypatch
):
    from partyhub.comms import rendering

    people = [member_factory(consent=True) for _ in range(2)]

    def personaliser(message):
        if message.subject != "Poster sites":
            return None
        return lambda person_id: {"%%REPLY%%": f"https://example.org/reply/{person_id}"}

    monkeypatch.setattr(rendering, "_PERSONALISERS", [personaliser])
    message = scheduled(subject="Poster sites", body="Can you? [Yes](%%REPLY%%)")
    sending.message_dispatch(message_id=message.pk)
    deliveries_send_all()
    links = {
        tuple(m.to): re.search(r"https://example.org/reply/(\d+)", m.body).group(1)
        for m in mailoutbox
    }
    assert links == {(p.email,): str(p.pk) for p in people}
    assert all("%%REPLY%%" not in m.alternatives[0][0] for m in mailoutbox)
