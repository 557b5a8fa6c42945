"""The delivery guarantee (issue 20): an interrupted delivery is sent again with
its Message-ID, a dead worker's batch is freed at once, one bad row fails alone,
failures that may have been delivered say so, and officers retry failed
deliveries in one click and see what needs attention."""

import smtplib
from datetime import timedelta

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse
from django.utils import timezone

from partyhub.audit.models import AuditEntry
from partyhub.comms import sending
from partyhub.comms.models import Delivery, Message, Reminder, Segment, SmtpCircuit
from partyhub.comms.selectors import messages_needing_attention
from tests import factories
from tests.helpers import deliveries_send_all, grant_email


@pytest.fixture
def dispatched(make_message):
    def make(**kwargs):
        message = make_message(
            status=Message.Status.SCHEDULED, send_at=timezone.now(), **kwargs
        )
        sending.message_dispatch(message_id=message.pk)
        message.refresh_from_db()
        return message

    return make


def test_delivery_interrupted_mid_smtp_is_sent_again_with_its_message_id(
    member_factory, dispatched, mailoutbox, settings
):
    people = [member_factory(consent=True) for _ in range(3)]
    message = dispatched()
    ids = sending.deliveries_claim(worker="dead-task")
    # The worker marked one `sending`, handed it to SMTP and died before `sent`.
    interrupted = Delivery.objects.get(pk=ids[0])
    Delivery.objects.filter(pk=ids[0]).update(status="sending", attempts=1)
    settings.COMMS_CLAIM_LEASE_SECONDS = 0  # its heartbeat stopped: lease over
    result = sending.deliveries_recover(now=timezone.now() + timedelta(seconds=1))
    assert result == {"freed": 2, "interrupted": 1}
    interrupted.refresh_from_db()
    assert interrupted.status == Delivery.Status.QUEUED
    assert "may arrive twice" in interrupted.error
    deliveries_send_all(worker="test")
    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.email for p in people)
    resent = next(m for m in mailoutbox if m.to == [interrupted.to_email])
    assert resent.extra_headers["Message-ID"] == f"<delivery-{interrupted.pk}@" + (
        settings.COMMS_FROM_ADDRESS.rsplit("@", 1)[1] + ">"
    )
    assert set(
        Delivery.objects.filter(message=message).values_list("status", flat=True)
    ) == {"sent"}


def test_dead_workers_batch_is_freed_at_once_not_after_the_lease(
    member_factory, dispatched, mailoutbox
):
    for _ in range(4):
        member_factory(consent=True)
    dispatched()
    ids = sending.deliveries_claim(worker="task-1")
    Delivery.objects.filter(pk=ids[0]).update(status="sending")
    assert sending.deliveries_claim(worker="task-2") == []  # all held by task-1
    # Its parent saw it die (or the task was redelivered): freed now.
    assert sending.deliveries_release(worker="task-1") == {
        "freed": 3,
        "interrupted": 1,
    }
    deliveries_send_all(worker="test")
    assert len(mailoutbox) == 4


def test_live_worker_keeps_its_claim(member_factory, dispatched):
    member_factory(consent=True)
    dispatched()
    ids = sending.deliveries_claim(worker="alive")
    # Within the lease the tick leaves a live worker's claim alone.
    assert sending.deliveries_recover() == {"freed": 0, "interrupted": 0}
    assert Delivery.objects.get(pk=ids[0]).claimed_by == "alive"


def test_unknown_reminder_kind_fails_its_row_and_the_batch_goes_on(
    clp_a, member_factory, dispatched, mailoutbox
):
    person = member_factory(consent=True)
    message = dispatched()
    renamed = Reminder.objects.create(
        key="old-kind-1",
        kind="events.reminder_renamed_since",
        person=person,
        due_at=timezone.now(),
    )
    sending.reminders_queue_due()
    bad = Delivery.objects.get(reminder=renamed)
    ids = sending.deliveries_claim()
    assert bad.pk in ids  # the same batch as the message
    counts = sending.deliveries_send(ids=ids)
    assert counts == {"failed": 1, "sent": 1}
    bad.refresh_from_db()
    assert bad.status == Delivery.Status.FAILED
    assert "events.reminder_renamed_since" in bad.error
    assert "not known" in bad.error
    assert Delivery.objects.get(message=message).status == Delivery.Status.SENT
    assert [m.to for m in mailoutbox] == [[person.email]]
    assert sending.deliveries_claim() == []  # nothing left claimed or queued


def test_failure_after_the_data_says_it_may_have_arrived(
    member_factory, dispatched, monkeypatch
):
    member_factory(consent=True)
    message = dispatched()

    def dropped(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(EmailBackend, "send_messages", dropped)
    for _ in range(sending.MAX_ATTEMPTS):
        # Each try finds the server gone and pauses; the next is due at once.
        Delivery.objects.update(not_before=None)
        SmtpCircuit.objects.update(retry_at=timezone.now())
        deliveries_send_all(worker="test")
    delivery = Delivery.objects.get(message=message)
    assert delivery.status == Delivery.Status.FAILED
    assert "may have arrived" in delivery.error


def test_refusal_does_not_say_it_may_have_arrived(
    member_factory, dispatched, monkeypatch
):
    person = member_factory(consent=True)
    message = dispatched()

    def refused(self, messages):
        raise smtplib.SMTPRecipientsRefused({person.email: (550, b"No such user")})

    monkeypatch.setattr(EmailBackend, "send_messages", refused)
    deliveries_send_all(worker="test")
    delivery = Delivery.objects.get(message=message)
    assert delivery.status == Delivery.Status.FAILED
    assert "may have arrived" not in delivery.error


# --- officers: retry in one click, and what needs attention ---------------------------


@pytest.fixture
def failed_message(member_factory, dispatched, monkeypatch):
    people = [member_factory(consent=True) for _ in range(2)]
    message = dispatched(subject="Quiz results")

    def down_for_good(self, messages):
        raise ConnectionResetError("reset by peer")

    monkeypatch.setattr(EmailBackend, "send_messages", down_for_good)
    # Each try spends one row's attempt and pauses the rest; the next is due at once.
    for _ in range(2 * sending.MAX_ATTEMPTS):
        Delivery.objects.update(not_before=None)
        SmtpCircuit.objects.update(retry_at=timezone.now())
        deliveries_send_all(worker="test")
    monkeypatch.undo()
    sending.messages_finish()
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert Delivery.objects.filter(message=message, status="failed").count() == 2
    return message, people


def test_officer_retries_failed_deliveries_in_one_click(
    client, officer_a, failed_message, mailoutbox, django_capture_on_commit_callbacks
):
    message, people = failed_message
    client.force_login(officer_a)
    page = client.get(reverse("admin:comms_message_change", args=[message.pk]))
    assert "2 deliveries failed" in page.text
    assert "Retry 2 failed deliveries" in page.text
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("admin:comms_message_retry_failed", args=[message.pk]),
            follow=True,
        )
    assert "2 failed deliveries are queued to be sent again." in response.text
    message.refresh_from_db()
    assert message.status == Message.Status.SENDING
    assert AuditEntry.objects.filter(action="message.retry_failed").count() == 1
    deliveries_send_all(worker="test")
    sending.messages_finish()
    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.email for p in people)
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    page = client.get(reverse("admin:comms_message_change", args=[message.pk]))
    assert "Retry" not in page.text


def test_retry_is_refused_to_other_constituency_and_readers(
    client, officer_b, clp_a, failed_message
):
    message, _people = failed_message
    retry = reverse("admin:comms_message_retry_failed", args=[message.pk])
    client.force_login(officer_b)
    assert client.post(retry).status_code == 404
    client.force_login(factories.officer(clp_a, role="treasurer"))
    assert client.post(retry).status_code == 403
    client.force_login(factories.officer(clp_a, two_factor=False))
    assert client.post(retry).status_code in (302, 403)
    client.logout()
    assert client.post(retry).status_code == 302  # to the login page
    assert Delivery.objects.filter(message=message, status="failed").count() == 2
    assert client.get(retry).status_code in (302, 405)


def test_messages_needing_attention_is_scoped(
    clp_a, clp_b, officer_a, officer_b, failed_message, member_a
):
    message, _people = failed_message
    person_b = factories.PersonFactory(constituency=clp_b)
    grant_email(person_b)
    segment_b = Segment.objects.create(
        constituency=clp_b, name="All", criteria={"everyone": True}
    )
    paused_b = Message.objects.create(
        constituency=clp_b,
        segment=segment_b,
        subject="Reading paused",
        body="Hi",
        status=Message.Status.PAUSED,
        dispatched_at=timezone.now(),
    )
    Delivery.objects.create(message=paused_b, person=person_b, to_email="b@x.org")
    (mine,) = messages_needing_attention(officer_a)
    assert mine == message and mine.failed_count == 2 and mine.waiting_count == 0
    (theirs,) = messages_needing_attention(officer_b)
    assert theirs == paused_b and theirs.waiting_count == 1
    assert list(messages_needing_attention(member_a)) == []
    # Once retried and sent, nothing is left to look at.
    Delivery.objects.filter(message=message).update(status="sent")
    assert list(messages_needing_attention(officer_a)) == []


def test_worker_lost_signal_frees_the_batch_and_starts_a_sender(
    member_factory, dispatched, monkeypatch
):
    from billiard.exceptions import WorkerLostError

    from partyhub.comms import tasks

    for _ in range(2):
        member_factory(consent=True)
    dispatched()
    ids = sending.deliveries_claim(worker="task-9")
    Delivery.objects.filter(pk=ids[0]).update(status="sending")
    started = []
    monkeypatch.setattr(tasks.send_pending, "delay", lambda: started.append(1))
    # Another task failing for another reason leaves the claims alone.
    tasks.release_after_worker_lost(
        sender=tasks.send_pending, task_id="task-9", exception=ValueError("x")
    )
    assert Delivery.objects.filter(claimed_by="task-9").count() == 2
    tasks.release_after_worker_lost(
        sender=tasks.send_pending,
        task_id="task-9",
        exception=WorkerLostError("signal 9"),
    )
    assert not Delivery.objects.filter(claimed_by="task-9").exists()
    assert set(Delivery.objects.values_list("status", flat=True)) == {"queued"}
    assert started == [1]


def test_redelivered_send_task_frees_what_its_dead_run_held(
    member_factory, dispatched, mailoutbox
):
    from partyhub.comms import tasks

    for _ in range(3):
        member_factory(consent=True)
    dispatched()
    ids = sending.deliveries_claim(worker="task-7")
    Delivery.objects.filter(pk=ids[0]).update(status="sending")  # killed mid-SMTP
    # The broker hands the same task (same id) to a live process.
    result = tasks.send_pending.apply(task_id="task-7")
    assert result.get() == 3
    assert len(mailoutbox) == 3
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
