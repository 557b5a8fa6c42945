"""Officer admin pages on a generated dataset: p50 / p95 and query counts (issue 21).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/partyhub_<branch> \\
    DJANGO_SETTINGS_MODULE=partyhub.settings_test \\
    .venv/bin/python bench/admin_pages.py --clps 40 --people 1000 --repeat 15

Fills the (migrated, empty) database once with CLPs, wards, branches, people,
memberships and supporters (bulk inserts, deterministic), then renders each page
in-process with Django's test client as a regional organiser (superuser) and as an
officer of one CLP. Prints a Markdown table for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partyhub.settings_test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

SURNAMES = "Smith Jones Okafour Patel Khan Williams Brown Taylor Wilson Evans".split()
FIRST = "Ada Ben Cy Dee Eve Fay Gus Hal Ivy Jo".split()


def fill(clps: int, people: int) -> None:
    from members.models import Branch, Constituency, Membership, Person, Ward
    from supporters.models import Supporter

    if Constituency.objects.filter(slug="bench-0").exists():
        return
    rng = random.Random(21)
    cs = Constituency.objects.bulk_create(
        Constituency(name=f"Bench {i}", slug=f"bench-{i}", ons_code=f"E14{i:06d}")
        for i in range(clps)
    )
    for c in cs:
        wards = Ward.objects.bulk_create(
            Ward(constituency=c, name=f"{c.name} ward {w}", ons_code=f"W{c.pk}-{w}")
            for w in range(20)
        )
        Branch.objects.bulk_create(
            Branch(constituency=c, name=f"{c.name} branch {b}") for b in range(10)
        )
        ps = Person.objects.bulk_create(
            Person(
                constituency=c,
                ward=rng.choice(wards),
                first_name=rng.choice(FIRST),
                last_name=rng.choice(SURNAMES) + str(rng.randrange(100)),
                email=f"p{c.pk}-{n}@example.org",
                postcode=f"B{rng.randrange(1, 99)} {rng.randrange(1, 9)}AA",
                phone=f"0121 496 {n:04d}",
            )
            for n in range(people)
        )
        Membership.objects.bulk_create(
            Membership(
                person=p,
                constituency=c,
                membership_number=f"B{p.pk:08d}",
                status=rng.choice(["current", "current", "arrears", "lapsed"]),
                joined="2025-01-01",
            )
            for p in ps[: people // 3]
        )
        Supporter.objects.bulk_create(
            Supporter(person=p, constituency=c, status="confirmed", joined="2025-06-01")
            for p in ps[people // 3 :]
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(client: Client, url: str, repeat: int) -> tuple[float, float, int]:
    times, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(ctx.captured_queries)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, queries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clps", type=int, default=40)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    from members.models import Constituency, Person
    from tests import factories

    fill(args.clps, args.people)
    clp = Constituency.objects.get(slug="bench-0")
    regional = factories.UserFactory(is_superuser=True, is_staff=True)
    officer = factories.officer(clp)
    person = Person.objects.filter(constituency=clp, memberships__isnull=False)[0]
    people = reverse("admin:members_person_changelist")
    pages = [
        ("people list", people),
        ("people, status lapsed", people + "?membership_status=lapsed"),
        ("search surname", people + "?q=Okafour1"),
        ("search email", people + f"?q=p{clp.pk}-7@example.org"),
        ("search postcode", people + "?q=b7+3aa"),
        ("search membership no.", people + f"?q=B{person.pk:08d}"),
        ("search phone", people + "?q=%2B441214960007"),
        ("search typo (Okafor)", people + "?q=Okafor"),
        ("memberships", reverse("admin:members_membership_changelist")),
        ("supporters", reverse("admin:supporters_supporter_changelist")),
        ("audit log", reverse("admin:audit_auditentry_changelist")),
        ("renewal desk", reverse("admin:members_deskmembership_changelist")),
        ("person page", reverse("admin:members_person_change", args=[person.pk])),
    ]
    total = Person.objects.count()
    load = os.getloadavg()
    print(f"{total:,} people; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    print("| page | who | p50 ms | p95 ms | queries |")
    print("| --- | --- | --- | --- | --- |")
    for who, user in (("regional", regional), ("one CLP", officer)):
        client = Client()
        client.force_login(user)
        for name, url in pages:
            client.get(url)  # warm
            p50, p95, q = measure(client, url, args.repeat)
            print(f"| {name} | {who} | {p50:.0f} | {p95:.0f} | {q} |")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
