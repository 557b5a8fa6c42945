"""Fault injection on sending (issue 20): workers killed mid-send, the mail server
down for hours. Each test runs its own SMTP sink (and, with a worker, its own
redis-server) on free ports, never the shared services.

    pytest -m fault          # these alone; they also run in the normal suite
"""

import collections
import logging
import os
import signal
import socket
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Constituency, Person
from partyhub.comms import sending, smtp_sink, tasks
from partyhub.comms.models import (
    Channel,
    ConsentState,
    Delivery,
    Message,
    Method,
    Segment,
    SmtpCircuit,
)
from partyhub.comms.services import message_schedule
from tests.worker import live_celery_worker

pytestmark = pytest.mark.fault

# Ports a fault test may listen on (this checkout's share of the machine); set
# PARTYHUB_TEST_PORTS=first-last to use another range.
_FIRST, _LAST = (
    int(p) for p in os.environ.get("PARTYHUB_TEST_PORTS", "7350-7399").split("-")
)


def _free_port() -> int:
    for port in range(_FIRST, _LAST + 1):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {_FIRST}-{_LAST}")


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture
def redis_server(tmp_path):
    """A throwaway redis-server of this test's own: no disk, a free port."""
    port = _free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        + ["--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        _wait(lambda: _listening(port), 10, "redis-server to listen")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _everyone_with_consent(clp: Constituency, n: int) -> Message:
    """A scheduled message to n consenting people, its deliveries written."""
    Person.objects.bulk_create(
        Person(
            first_name=f"First{i}",
            last_name=f"Last{i}",
            email=f"r{i}@fault.example.org",
            constituency=clp,
        )
        for i in range(n)
    )
    now = timezone.now()
    ConsentState.objects.bulk_create(
        ConsentState(
            person_id=pk,
            channel=Channel.EMAIL,
            topic="",
            granted=True,
            method=Method.SIGNUP_FORM,
            at=now,
        )
        for pk in Person.objects.filter(constituency=clp).values_list("pk", flat=True)
    )
    segment = Segment.objects.create(
        constituency=clp, name="Everyone", criteria={"everyone": True}
    )
    message = Message.objects.create(
        constituency=clp,
        segment=segment,
        kind=Message.Kind.NEWSLETTER,
        quarter="2027-Q1",
        subject="Winter newsletter",
        body="The **quiz** is on Friday.",
        status=Message.Status.SCHEDULED,
        send_at=now,
    )
    assert sending.message_dispatch(message_id=message.pk) == n
    return message


def _statuses(message: Message) -> collections.Counter:
    return collections.Counter(
        Delivery.objects.filter(message=message).values_list("status", flat=True)
    )


def _pool_children(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(c) for c in children]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_kill_9_of_worker_children_mid_send_loses_nobody(clp_a, redis_server, tmp_path):
    # The sink runs in this process: keep aiosmtpd's per-command log out of it.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    port = _free_port()
    controller, sink = smtp_sink.start(port=port)
    message = _everyone_with_consent(clp_a, 2000)
    kills: list[float] = []
    try:
        with live_celery_worker(
            log_dir=tmp_path,
            pool="prefork",
            concurrency=2,
            redis_url=redis_server,
            env={
                "EMAIL_URL": f"smtp://127.0.0.1:{port}",
                "COMMS_SEND_PARALLELISM": 2,
                "LOG_LEVEL": "WARNING",
            },
        ) as worker:
            worker.send(tasks.send_pending)
            worker.send(tasks.send_pending)
            for threshold in (400, 1000):
                _wait(
                    lambda t=threshold: len(sink.accepted) >= t,
                    60,
                    f"{threshold} messages accepted",
                )
                # kill -9 a pool process while it is handing mail to the server.
                children = _pool_children(worker.process.pid)
                assert children, worker.log_tail()
                os.kill(children[0], signal.SIGKILL)
                kills.append(time.monotonic())
            # Its parent frees the dead process's batch at once (no lease wait).
            _wait(
                lambda: (
                    not Delivery.objects.filter(
                        message=message, status__in=["queued", "sending"]
                    ).exists()
                ),
                60,
                "every delivery to be sent within 60 s of the last kill",
            )
    finally:
        controller.stop()

    assert _statuses(message) == {"sent": 2000}
    received = collections.Counter(r for item in sink.accepted for r in item["to"])
    assert set(received) == set(
        Delivery.objects.filter(message=message).values_list("to_email", flat=True)
    )
    duplicates = sum(n - 1 for n in received.values())
    assert duplicates <= len(kills)
    # A copy carries the original's Message-ID, so a receiving server can drop it.
    ids = collections.Counter(item["message_id"] for item in sink.accepted)
    assert sum(n - 1 for n in ids.values()) == duplicates


class Clock:
    def __init__(self, monkeypatch):
        self.now = timezone.now()
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


def _beat_minute() -> None:
    """What the beat tick and the send tasks do in a minute, run in-process."""
    sending.deliveries_recover()
    if sending.pending_work_exists():
        while ids := sending.deliveries_claim(worker="test"):
            sending.deliveries_send(ids=ids)
    sending.messages_finish()


@pytest.mark.django_db
def test_mail_server_refusing_for_two_hours_pauses_and_resumes(
    clp_a, client, settings, monkeypatch, request
):
    port = _free_port()  # nothing listens: every connection is refused
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    message = _everyone_with_consent(clp_a, 40)
    clock = Clock(monkeypatch)

    for _minute in range(120):  # two hours of beat ticks, a minute apart
        _beat_minute()
        clock.advance(minutes=1)

    assert _statuses(message) == {"queued": 40}  # nobody lost, no attempt spent
    assert not Delivery.objects.filter(message=message, attempts__gt=0).exists()
    message.refresh_from_db()
    assert message.status == Message.Status.PAUSED
    circuit = SmtpCircuit.objects.get()
    assert circuit.opened_at is not None
    # Backing off: about ten probes in two hours, not one a minute.
    assert 5 <= circuit.failures <= 15
    assert "Connection refused" in circuit.last_error or "111" in circuit.last_error

    # The officer (a person of clp_a too) joins after the recipients were fixed.
    client.force_login(request.getfixturevalue("officer_a"))
    page = client.get(reverse("admin:comms_message_change", args=[message.pk]))
    assert "Sending is paused" in page.text
    assert "40 people are waiting" in page.text

    # The server is back; at the next probe the send resumes and finishes.
    controller, sink = smtp_sink.start(port=port)
    try:
        clock.now = circuit.retry_at + timedelta(seconds=1)
        _beat_minute()
        _beat_minute()
    finally:
        controller.stop()
    assert _statuses(message) == {"sent": 40}
    received = collections.Counter(r for item in sink.accepted for r in item["to"])
    assert len(received) == 40 and set(received.values()) == {1}
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert SmtpCircuit.objects.get().opened_at is None


@pytest.mark.django_db
def test_hung_mail_server_times_out_and_pauses(clp_a, settings):
    """A server that accepts the connection and never answers holds a worker for
    EMAIL_TIMEOUT, not for the length of the hang."""
    port = _free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 1
    message = _everyone_with_consent(clp_a, 3)
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", port))
        hung.listen()  # connections queue; nobody ever greets them
        ids = sending.deliveries_claim()
        result = sending.deliveries_send(ids=ids)
    assert result == {"paused": 3}
    assert _statuses(message) == {"queued": 3}
    assert "timed out" in SmtpCircuit.objects.get().last_error
    message.refresh_from_db()
    assert message.status == Message.Status.PAUSED


@pytest.mark.django_db
def test_send_now_while_paused_shows_paused_at_once(
    clp_a, officer_a, make_message, member_factory, django_capture_on_commit_callbacks
):
    SmtpCircuit.objects.create(
        pk=1, opened_at=timezone.now(), retry_at=timezone.now(), failures=1
    )
    member_factory(consent=True)
    message = make_message()
    with django_capture_on_commit_callbacks(execute=False):
        message_schedule(message=message, actor=officer_a)
    sending.message_dispatch(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Message.Status.PAUSED
