"""A real Celery worker on Redis sends through a real SMTP server; a worker dies part
way; the send resumes; every recipient ends with exactly one accepted message and
one `sent` row."""

import collections
import socket
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from members.models import Membership
from partyhub.comms import sending, smtp_sink, tasks
from partyhub.comms.models import Delivery, Message, Segment
from tests import factories
from tests.helpers import grant_email
from tests.worker import live_celery_worker, start_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(condition, timeout: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    tail = log.read_text(errors="replace")[-3000:] if log else ""
    raise AssertionError(f"timed out waiting for {what}\n{tail}")


@pytest.fixture
def sink():
    port = _free_port()
    controller, handler = smtp_sink.start(port=port)
    yield port, handler
    controller.stop()


@pytest.fixture
def message(clp_a, officer_a):
    segment = Segment.objects.create(
        constituency=clp_a, name="Members", criteria={"member_status": ["current"]}
    )
    ward = factories.WardFactory(constituency=clp_a)
    people = factories.PersonFactory.create_batch(260, constituency=clp_a, ward=ward)
    for i, person in enumerate(people):
        factories.MembershipFactory(person=person, status=Membership.Status.CURRENT)
        if i % 13:  # one in thirteen never agreed to email
            grant_email(person)
    message = Message.objects.create(
        constituency=clp_a,
        segment=segment,
        subject="Saturday leaflet team",
        body="Meet at **10:00** by the library.",
        status=Message.Status.SCHEDULED,
        send_at=timezone.now(),
    )
    assert sending.message_dispatch(message_id=message.pk) == 260
    return message


def _counts(message):
    rows = Delivery.objects.filter(message=message).values_list("status", flat=True)
    return collections.Counter(rows)


@pytest.mark.parametrize("connections", [1, 4])
def test_killed_worker_resumes_and_mails_everyone_exactly_once(
    message, sink, tmp_path, connections
):
    """With one SMTP connection a batch has one email in flight, so a worker that
    dies just after marking one sent leaves nothing accepted-but-unrecorded:
    exactly once. With COMMS_SMTP_CONNECTIONS=4, up to three others may have been
    accepted at that instant and are sent again with their Message-ID (a
    receiving server may drop the copy): nobody is lost, at most three copies."""
    port, handler = sink
    queue = f"test-exactly-once-{uuid.uuid4().hex[:8]}"
    mail = {
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "COMMS_SMTP_CONNECTIONS": connections,
    }
    in_flight = connections - 1

    # Worker A dies hard (os._exit: no cleanup, no ack) after 90 messages.
    worker_a = start_worker(
        log_dir=tmp_path,
        queue=queue,
        env=mail,
        faults={"PARTYHUB_FAULT_EXIT_AFTER_SENT": 90},
    )
    try:
        worker_a.wait_ready()
        worker_a.send(tasks.send_pending)
        worker_a.send(tasks.send_pending)
        _wait(lambda: not worker_a.alive, 60, "worker A to die", worker_a.log_path)
    finally:
        worker_a.stop()
    counts = _counts(message)
    assert counts["sent"] == 90
    assert 90 <= len(handler.accepted) <= 90 + in_flight
    assert counts["queued"] > 0  # claimed by the dead worker, or never reached

    # Its claim is stale once the lease has run out; the beat tick frees it.
    later = timezone.now() + timedelta(seconds=settings.COMMS_CLAIM_LEASE_SECONDS + 1)
    sending.deliveries_recover(now=later)

    with live_celery_worker(
        log_dir=tmp_path, queue=queue, pool="prefork", concurrency=2, env=mail
    ) as worker_b:
        # The tick, delivered twice, and a stray duplicate of the send task.
        worker_b.send(tasks.tick)
        worker_b.send(tasks.tick)
        worker_b.send(tasks.send_pending)
        _wait(
            lambda: (
                not Delivery.objects.filter(
                    message=message, status__in=["queued", "sending"]
                ).exists()
            ),
            120,
            "the send to finish",
            worker_b.log_path,
        )
        time.sleep(1)  # let any straggler task run: it must find nothing to do

    counts = _counts(message)
    expected = Delivery.objects.filter(message=message).exclude(status="skipped")
    per_recipient = collections.Counter(
        r for item in handler.accepted for r in item["to"]
    )
    assert counts["sent"] == expected.count() == 240
    assert counts["skipped"] == 20
    assert set(per_recipient.values()) <= ({1} if not in_flight else {1, 2})
    assert sum(n - 1 for n in per_recipient.values()) <= in_flight
    assert set(per_recipient) == set(expected.values_list("to_email", flat=True))
    sent_ids = {f"<delivery-{pk}@" for pk in expected.values_list("pk", flat=True)}
    assert {
        item["message_id"].split("@")[0] + "@" for item in handler.accepted
    } == sent_ids
