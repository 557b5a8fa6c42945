"""Benchmark: the officers' home page (the admin index) with 50,000 members.

One constituency with 20 wards and 10 branches holds --members members (default
50,000) spread over fifteen years of joining, with two years of lapses, arrears
and rejoins, a fifth of them also supporters, 20,000 newsletter deliveries, 40
events with bookings, a running campaign with a team and targets, open data
requests and unconfirmed signups: every to-do count, list and chart on the page
has real work to do. A second constituency of 5,000 members is there so scoping
filters something out.

The page is rendered in-process through the whole middleware stack (sessions,
CSRF, CSP, authentication, two-factor gate) by Django's test client, logged in as
the constituency's chair; --requests timed requests after --warmup untimed ones.
No HTTP server: what is measured is the page's own work (queries and template).

    .venv/bin/python bench/home_page.py --members 50000 --requests 60

Uses its own database partyhub_bench_home (dropped and created) and a local
memory cache. Prints one summary line for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = "partyhub_bench_home"
STATIC_ROOT = str(Path(tempfile.gettempdir()) / "partyhub-bench-home-static")
BATCH = 5000


def build(members: int, rng: random.Random) -> None:
    from django.utils import timezone

    from campaigns.models import Campaign, Measure, Session, SessionSignup, Target, Team
    from events.models import Booking, Event
    from members.models import (
        Branch,
        Constituency,
        Membership,
        Office,
        Person,
        Ward,
    )
    from partyhub.comms.models import Delivery, Message
    from partyhub.personal_data.models import DataRequest
    from supporters.models import SignupRequest, Supporter

    today = timezone.localdate()
    now = timezone.now()
    Status = Membership.Status
    for k, (slug, size) in enumerate(
        (("bench-central", members), ("bench-other", 5000))
    ):
        clp = Constituency.objects.create(
            name=slug.replace("-", " ").title(), slug=slug
        )
        wards = Ward.objects.bulk_create(
            [
                Ward(constituency=clp, name=f"Ward {n}", ons_code=f"E05{k}{n:05d}")
                for n in range(20)
            ]
        )
        branches = Branch.objects.bulk_create(
            [Branch(constituency=clp, name=f"Branch {n}") for n in range(10)]
        )
        for start in range(0, size, BATCH):
            people = Person.objects.bulk_create(
                [
                    Person(
                        first_name=f"First{i}",
                        last_name=f"Last{i}",
                        email=f"{slug}{i}@bench.example.org",
                        constituency=clp,
                        ward=wards[i % 20],
                    )
                    for i in range(start, min(size, start + BATCH))
                ]
            )
            rows = []
            for person in people:
                status = rng.choices(
                    [Status.CURRENT, Status.ARREARS, Status.LAPSED, Status.RESIGNED],
                    [62, 12, 16, 10],
                )[0]
                joined = today - datetime.timedelta(days=rng.randint(1, 5500))
                rows.append(
                    Membership(
                        person=person,
                        membership_number=f"{slug[:2]}{person.pk:08d}",
                        constituency=clp,
                        branch=branches[person.pk % 10],
                        status=status,
                        joined=joined,
                        status_since=today
                        - datetime.timedelta(days=rng.randint(1, 730))
                        if status != Status.CURRENT
                        else None,
                        rejoined_on=today - datetime.timedelta(days=rng.randint(1, 730))
                        if status == Status.CURRENT and rng.random() < 0.03
                        else None,
                        expires=today + datetime.timedelta(days=rng.randint(-30, 365)),
                    )
                )
            Membership.objects.bulk_create(rows)
            Supporter.objects.bulk_create(
                [
                    Supporter(
                        person=p,
                        constituency=clp,
                        status=Supporter.Status.CONFIRMED,
                        joined=today - datetime.timedelta(days=rng.randint(1, 700)),
                    )
                    for p in people
                    if rng.random() < 0.2
                ]
            )
        for n in range(20):
            person = Person.objects.filter(constituency=clp).order_by("?").first()
            DataRequest.objects.create(
                person=person, constituency=clp, kind=DataRequest.Kind.ERASURE
            )
            SignupRequest.objects.create(
                email=f"wait{n}@{slug}.example.org", data={}, constituency=clp
            )
        segment_people = list(
            Person.objects.filter(constituency=clp).order_by("pk")[: size * 2 // 5]
        )
        for q in range(4):
            message = Message.objects.create(
                constituency=clp,
                kind=Message.Kind.MESSAGE,
                subject=f"News {q}",
                body="News.",
                status=Message.Status.SENT,
                finished_at=now - datetime.timedelta(days=90 * q),
            )
            Delivery.objects.bulk_create(
                [
                    Delivery(
                        message=message,
                        person=p,
                        to_email=p.email,
                        status=Delivery.Status.SENT
                        if rng.random() < 0.97
                        else Delivery.Status.FAILED,
                        sent_at=now - datetime.timedelta(days=90 * q),
                    )
                    for p in segment_people[: len(segment_people) // 4 * (q + 1) // 2]
                ],
                batch_size=BATCH,
            )
        everyone = list(
            Person.objects.filter(constituency=clp).values_list("pk", flat=True)
        )
        for n in range(40):
            starts = now + datetime.timedelta(days=n * 9 - 180)
            event = Event.objects.create(
                kind=Event.Kind.SOCIAL,
                title=f"Event {n}",
                starts=starts,
                ends=starts + datetime.timedelta(hours=2),
                capacity=200,
                status=Event.Status.PUBLISHED,
            )
            event.constituencies.add(clp)
            Booking.objects.bulk_create(
                [
                    Booking(
                        event=event,
                        person_id=pk,
                        status=Booking.Status.YES,
                        source=Booking.Source.PORTAL,
                        attended_at=starts if starts < now else None,
                    )
                    for pk in rng.sample(everyone, 120)
                ]
            )
        campaign = Campaign.objects.create(
            name=f"Campaign {slug}", starts=today - datetime.timedelta(days=60)
        )
        campaign.constituencies.add(clp)
        for ward in wards[:6]:
            Target.objects.create(
                campaign=campaign,
                measure=Measure.LEAFLETS,
                ward=ward,
                number=5000,
                by=today + datetime.timedelta(days=90),
            )
        team = Team.objects.create(name=f"Team {slug}", campaign=campaign)
        team.constituencies.add(clp)
        for n in range(-8, 3):
            session = Session.objects.create(
                team=team,
                starts=now + datetime.timedelta(days=7 * n),
                ends=now + datetime.timedelta(days=7 * n, hours=1),
            )
            SessionSignup.objects.bulk_create(
                [
                    SessionSignup(session=session, person_id=pk)
                    for pk in rng.sample(everyone, 10)
                ]
            )
        chair = Person.objects.filter(constituency=clp).order_by("pk").first()
        Office.objects.create(
            person=chair,
            role="chair",
            constituency=clp,
            starts=today - datetime.timedelta(days=100),
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="reuse the built database")
    parser.add_argument(
        "--cold", action="store_true", help="empty the chart cache before each request"
    )
    args = parser.parse_args()

    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "x" * 40,
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "0",
        "DJANGO_SETTINGS_MODULE": "partyhub.settings",
        "DATABASE_URL": f"{PG}/{DB}",
        "CACHE_URL": "locmemcache://bench",
        "LOG_LEVEL": "WARNING",
        "STATIC_ROOT": STATIC_ROOT,
    }
    os.environ.update(env)
    # DEBUG off serves static files through the manifest: build it once.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    if not args.keep:
        for sql in (f"DROP DATABASE IF EXISTS {DB}", f"CREATE DATABASE {DB}"):
            subprocess.run(["psql", PG + "/postgres", "-qc", sql], check=True)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )

    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import encrypt
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from members.models import Membership, Office
    from partyhub.accounts.models import User

    if not args.keep:
        started = time.monotonic()
        build(args.members, random.Random(2005))  # noqa: S311
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"built in {time.monotonic() - started:.0f}s", file=sys.stderr)
    office = Office.objects.select_related("person").get(
        constituency__slug="bench-central"
    )
    user = office.person.user
    if user is None:
        user = User.objects.create_user(email="chair@bench.example.org", password=None)
        office.person.user = user
        office.person.save(update_fields=["user"])
        Authenticator.objects.create(
            user=user,
            type=Authenticator.Type.TOTP,
            data={"secret": encrypt("DEMODEMODEMODEMODEMODEMODEMODEMO")},
        )
    members = Membership.objects.filter(constituency__slug="bench-central").count()
    client = Client()
    client.force_login(user)
    for _n in range(args.warmup):
        assert client.get("/admin/", secure=True).status_code == 200
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get("/admin/", secure=True)
    times = []
    from django.core.cache import cache

    for _n in range(args.requests):
        if args.cold:
            cache.clear()
        started = time.perf_counter()
        response = client.get("/admin/", secure=True)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    load = os.getloadavg()
    print(
        f"| {timezone.localdate()} | {members:,} | {args.requests} | "
        f"{statistics.median(times):.0f} ms | {p95:.0f} ms | {times[-1]:.0f} ms | "
        f"{len(queries)} | {'cold' if args.cold else 'warm'} | "
        f"load average {load[0]:.1f} |"
    )


if __name__ == "__main__":
    main()
