"""Benchmark: send one message to N synthetic recipients through a local SMTP sink.

End to end, as production runs it: a Celery worker (2 processes) on Redis claims
batches of deliveries from PostgreSQL and hands them to an SMTP server over one
connection per batch; consent is checked per batch. Measures dispatch time (writing
the delivery rows) and send throughput (messages accepted by the sink per second).

    .venv/bin/python bench/comms_send.py --recipients 100000

Needs PostgreSQL and Redis (defaults below); uses its own database partyhub_bench
(dropped and created) and Redis db 12. Prints a line for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = os.environ.get("BENCH_DB", "partyhub_bench")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
QUEUE = "bench"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument(
        "--connections", type=int, default=4, help="COMMS_SMTP_CONNECTIONS"
    )
    args = parser.parse_args()

    smtp_port = free_port()
    env = {
        **os.environ,
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "partyhub.settings",
        "DATABASE_URL": f"{PG}/{DB}",
        "REDIS_URL": REDIS,
        "CACHE_URL": "locmemcache://bench",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "CELERY_QUEUE": QUEUE,
        "LOG_LEVEL": "WARNING",
        "COMMS_SMTP_CONNECTIONS": str(args.connections),
    }
    os.environ.update(env)
    subprocess.run(
        ["psql", PG + "/postgres", "-qc", f"DROP DATABASE IF EXISTS {DB}"], check=True
    )
    subprocess.run(
        ["psql", PG + "/postgres", "-qc", f"CREATE DATABASE {DB}"], check=True
    )
    subprocess.run(
        ["redis-cli", "-u", REDIS, "FLUSHDB"], check=True, capture_output=True
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
    )

    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from members.models import Constituency, Person
    from partyhub.comms import sending, tasks
    from partyhub.comms.models import (
        Channel,
        ConsentState,
        Delivery,
        Message,
        Method,
        Segment,
    )

    t0 = time.perf_counter()
    clp = Constituency.objects.create(
        name="Bench Central", slug="bench-central", postal_address="1 Bench Street"
    )
    Person.objects.bulk_create(
        (
            Person(
                first_name=f"First{i}",
                last_name=f"Last{i}",
                email=f"r{i}@bench.example.org",
                constituency=clp,
            )
            for i in range(args.recipients)
        ),
        batch_size=5000,
    )
    now = timezone.now()
    ConsentState.objects.bulk_create(
        (
            ConsentState(
                person_id=pk,
                channel=Channel.EMAIL,
                topic="",
                granted=True,
                method=Method.SIGNUP_FORM,
                at=now,
            )  # fmt: skip
            for pk in Person.objects.values_list("pk", flat=True).iterator()
        ),
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    setup_s = time.perf_counter() - t0

    segment = Segment.objects.create(
        constituency=clp, name="Everyone", criteria={"everyone": True}
    )
    message = Message.objects.create(
        constituency=clp,
        segment=segment,
        subject="Benchmark newsletter",
        body="# Winter news\n\nThe **quiz** is on Friday. [Details](https://example.org)",
        status=Message.Status.SCHEDULED,
        send_at=now,
    )
    t0 = time.perf_counter()
    written = sending.message_dispatch(message_id=message.pk)
    dispatch_s = time.perf_counter() - t0
    assert written == args.recipients, written

    sink = subprocess.Popen(
        [sys.executable, "-m", "partyhub.comms.smtp_sink", "--port", str(smtp_port), "--quiet"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    worker = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "partyhub", "worker", "-Q", QUEUE,
            f"--concurrency={args.concurrency}", "-l", "warning",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        time.sleep(4)  # worker start-up is not part of the send
        t0 = time.perf_counter()
        for _ in range(args.concurrency):
            tasks.send_pending.apply_async(queue=QUEUE)
        while True:
            time.sleep(1)
            left = Delivery.objects.filter(
                message=message, status__in=["queued", "sending"]
            ).count()
            if not left:
                break
            if time.perf_counter() - t0 > 3600:
                raise SystemExit("gave up after an hour")
        send_s = time.perf_counter() - t0
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
        sink.send_signal(signal.SIGTERM)
        sink_out, _ = sink.communicate(timeout=30)
    sent = Delivery.objects.filter(message=message, status="sent").count()
    accepted = int(sink_out.strip().rsplit(" ", 2)[-2])
    rate = sent / send_s
    print(
        f"recipients={args.recipients} setup={setup_s:.1f}s dispatch={dispatch_s:.1f}s "
        f"send={send_s:.1f}s sent={sent} accepted_by_sink={accepted} "
        f"throughput={rate:.0f} msg/s (worker concurrency {args.concurrency}, "
        f"{args.connections} SMTP connections per batch, {os.cpu_count()} cores; "
        f"load {open('/proc/loadavg').read().strip()})"
    )
    assert sent == accepted == args.recipients


if __name__ == "__main__":
    main()
