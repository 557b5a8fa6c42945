"""Benchmark: the admin page of a person with a long history (issue 24).

A person with about 5,000 timeline entries (petitions signed, events booked and
attended, emails received, calls logged, consent changes), opened by an officer of
their constituency through Django's test client in-process (middleware, admin,
templates, PostgreSQL; no network). Prints the timeline's size, the page's query
count and render times (first, median and p95 of the next runs).

    .venv/bin/python bench/person_history.py --entries 5000 --runs 20

Uses its own database (BENCH_DB, default partyhub_h24: dropped and created) and
a local-memory cache. Target: under 300 ms.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = os.environ.get("BENCH_DB", "partyhub_h24")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database of the last run"
    )
    args = parser.parse_args()

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "partyhub.settings_test",
        "DATABASE_URL": f"{PG}/{DB}",
        "CACHE_URL": "locmemcache://bench",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    for sql in (
        () if args.reuse else (f"DROP DATABASE IF EXISTS {DB}", f"CREATE DATABASE {DB}")
    ):
        subprocess.run(["psql", PG + "/postgres", "-qc", sql], check=True)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
    )

    import django

    django.setup()
    from django.utils import timezone

    from campaigns.models import Petition, Signature
    from events.models import Booking, Event
    from members.models import ContactLog
    from partyhub.comms.models import ConsentEvent, Delivery, Message
    from tests import factories

    if args.reuse:
        person = ContactLog.objects.latest("pk").person
        officer = ContactLog.objects.latest("pk").by_user
        measure(officer, person, args.runs)
        return
    clp = factories.ConstituencyFactory(name="Bench Central", slug="bench-central")
    officer = factories.officer(clp)
    person = factories.PersonFactory(constituency=clp)
    factories.MembershipFactory(person=person, constituency=clp)
    now = timezone.now()
    n = args.entries // 5  # five kinds, about n entries each

    def ago(i: int) -> datetime.datetime:
        return now - datetime.timedelta(hours=i * 7)

    petitions = Petition.objects.bulk_create(
        Petition(constituency=clp, slug=f"b-{i}", title=f"Petition {i}", text="x")
        for i in range(n)
    )
    Signature.objects.bulk_create(
        Signature(petition=p, person=person, source="online") for p in petitions
    )
    events = Event.objects.bulk_create(
        Event(
            kind=Event.Kind.SOCIAL, title=f"Social {i}", venue="Hall",
            starts=ago(i), ends=ago(i) + datetime.timedelta(hours=2),
            audience=Event.Audience.MEMBERS_AND_SUPPORTERS,
            status=Event.Status.PUBLISHED,
        )
        for i in range(n // 2)
    )  # fmt: skip
    Event.constituencies.through.objects.bulk_create(
        Event.constituencies.through(event=e, constituency=clp) for e in events
    )
    Booking.objects.bulk_create(
        Booking(
            event=e, person=person, status="yes", source="portal",
            attended_at=e.starts if i % 2 else None,
        )
        for i, e in enumerate(events)
    )  # fmt: skip
    messages = Message.objects.bulk_create(
        Message(constituency=clp, subject=f"News {i}", body="x") for i in range(n)
    )
    Delivery.objects.bulk_create(
        Delivery(message=m, person=person, status="sent", sent_at=ago(i))
        for i, m in enumerate(messages)
    )
    ContactLog.objects.bulk_create(
        ContactLog(person=person, how="call", outcome="spoke", at=ago(i),
                   by_user=officer, note=f"Call {i}")
        for i in range(n)
    )  # fmt: skip
    ConsentEvent.objects.bulk_create(
        ConsentEvent(person=person, channel="email", granted=bool(i % 2), at=ago(i),
                     method="portal", wording="Can we email you?")
        for i in range(n)
    )  # fmt: skip
    measure(officer, person, args.runs)


def measure(officer, person, runs: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from partyhub.personal_data.timeline import person_entries

    entries = len(person_entries(person))

    client = Client()
    client.force_login(officer)

    def timed(target) -> tuple[float, float, float, int, float]:
        url = reverse("admin:members_person_change", args=[target.pk])
        times, cpu, queries = [], [], 0
        for _run in range(runs + 1):
            with CaptureQueriesContext(connection) as ctx:
                t0, c0 = time.perf_counter(), time.process_time()
                response = client.get(url)
                times.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
            assert response.status_code == 200, response.status_code
            queries = len(ctx.captured_queries)
        rest = sorted(times[1:])
        p95 = rest[max(0, int(len(rest) * 0.95) - 1)]
        # The web process's own CPU (not PostgreSQL's, not time spent waiting
        # for a core): what a busy machine distorts least.
        return (
            times[0],
            statistics.median(rest),
            p95,
            queries,
            statistics.median(cpu[1:]),
        )

    # The same page for a person with no history: what the rest of the admin costs.
    empty = timed(officer.person)
    first, median, p95, queries, cpu = timed(person)
    load = os.getloadavg()[0]
    print(
        f"entries {entries:,}; queries {queries}; first {first * 1000:.0f} ms; "
        f"median {median * 1000:.0f} ms; p95 {p95 * 1000:.0f} ms; "
        f"process CPU median {cpu * 1000:.0f} ms; "
        f"(no history: median {empty[1] * 1000:.0f} ms, p95 {empty[2] * 1000:.0f} ms, "
        f"CPU {empty[4] * 1000:.0f} ms, {empty[3]} queries); "
        f"load average {load:.1f}"
    )


if __name__ == "__main__":
    main()
