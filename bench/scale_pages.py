"""Officer pages on the scale dataset: p50 / p95, query counts and EXPLAIN (issue 21).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/partyhub_scale \\
    DJANGO_SETTINGS_MODULE=partyhub.settings_test \\
    .venv/bin/python bench/scale_pages.py --repeat 11 --explain bench/EXPLAIN.md

Runs on a database filled by bench/scale_data.py (650 CLPs, 1.5 million people at
full size). Renders each page in-process with Django's test client (no HTTP; query
capture on, which adds its own overhead) as a regional organiser (a superuser: every
constituency) and as an officer of the largest CLP; one warm-up, then `--repeat`
runs. Prints a Markdown table for bench/RESULTS.md. With `--explain`, writes
`EXPLAIN (ANALYZE, BUFFERS)` of each page's two slowest queries (regional
organiser) to that file.
"""

from __future__ import annotations

import argparse
import os
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


def _get(client: Client, url: str):
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        response = client.get(url)
        took = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return took, ctx.captured_queries


def measure(client: Client, url: str, repeat: int):
    times, queries = [], []
    for _ in range(repeat):
        took, queries = _get(client, url)
        times.append(took)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, queries


def explain(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def pages(clp, person, segment) -> list[tuple[str, str]]:
    from members.models import Membership

    membership = Membership.objects.filter(person=person).first()
    people = reverse("admin:members_person_changelist")
    e164 = person.phone_e164 or person.mobile_e164
    return [
        ("officers' home", reverse("admin:index")),
        ("people list", people),
        ("people, status lapsed", people + "?membership_status=lapsed"),
        ("search surname (Okafour)", people + "?q=Okafour"),
        ("search surname (Smith)", people + "?q=Smith"),
        ("search email", people + f"?q={person.email.upper()}"),
        ("search postcode", people + f"?q={person.postcode.replace(' ', '+')}"),
        ("search membership no.", people + f"?q={membership.membership_number}"),
        ("search phone", people + f"?q={e164.replace('+', '%2B')}"),
        ("search typo (Okafor)", people + "?q=Okafor"),
        ("memberships", reverse("admin:members_membership_changelist")),
        ("supporters", reverse("admin:supporters_supporter_changelist")),
        ("deliveries", reverse("admin:comms_delivery_changelist")),
        ("audit log", reverse("admin:audit_auditentry_changelist")),
        ("renewal desk", reverse("admin:members_deskmembership_changelist")),
        ("person page", reverse("admin:members_person_change", args=[person.pk])),
        (
            "segment live count",
            reverse("admin:comms_segment_preview", args=[segment.pk]),
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=11)
    parser.add_argument("--explain", default="")
    parser.add_argument("--only", default="", help="regional or clp")
    args = parser.parse_args()
    from django.db.models import Count

    from members.models import Constituency, Person
    from partyhub.comms.models import Segment
    from tests import factories

    clp = Constituency.objects.annotate(n=Count("people")).order_by("-n", "pk").first()
    person = (
        Person.objects.filter(constituency=clp, memberships__isnull=False)
        .exclude(email="")
        .exclude(phone="", mobile="")
        .order_by("pk")
        .first()
    )
    segment, _ = Segment.objects.get_or_create(
        constituency=clp,
        name="Current members (bench)",
        defaults={"criteria": {"member_status": ["current"]}},
    )
    # Fresh logins each run: move the factories' sequences past earlier runs'.
    for factory in vars(factories).values():
        if isinstance(factory, type) and hasattr(factory, "reset_sequence"):
            factory.reset_sequence(int(time.time()) % 10_000_000)
    regional = factories.UserFactory(is_superuser=True, is_staff=True)
    officer = factories.officer(clp)
    total = Person.objects.count()
    in_clp = Person.objects.filter(constituency=clp).count()
    load = open("/proc/loadavg").read().strip()
    print(f"{total:,} people; largest CLP {clp.name}: {in_clp:,}; load {load}")
    print("| page | who | p50 ms | p95 ms | queries |")
    print("| --- | --- | --- | --- | --- |")
    plans: list[str] = []
    for who, user in (("regional", regional), ("one CLP", officer)):
        if args.only and args.only not in who.replace("one ", ""):
            continue
        client = Client()
        client.force_login(user)
        for name, url in pages(clp, person, segment):
            client.get(url)  # warm
            p50, p95, queries = measure(client, url, args.repeat)
            print(
                f"| {name} | {who} | {p50:.0f} | {p95:.0f} | {len(queries)} |",
                flush=True,
            )
            if args.explain and who == "regional":
                slowest = sorted(queries, key=lambda q: -float(q["time"]))[:2]
                plans.append(f"### {name} ({who})\n\n`{url}`\n")
                for q in slowest:
                    if not q["sql"].lstrip().upper().startswith("SELECT"):
                        continue
                    plans.append(
                        f"{float(q['time']) * 1000:.0f} ms in the page:\n\n"
                        f"```sql\n{q['sql']}\n```\n\n```\n{explain(q['sql'])}\n```\n"
                    )
    print(f"load average after: {open('/proc/loadavg').read().strip()}")
    if args.explain:
        Path(args.explain).write_text(
            "# EXPLAIN of the officer pages on the scale dataset (issue 21)\n\n"
            "Written by `bench/scale_pages.py --explain bench/EXPLAIN.md` on the "
            f"database of `bench/scale_data.py` ({total:,} people; load {load}). "
            "For each page, the two slowest queries the regional organiser's "
            "request ran, with PostgreSQL's plan and actual times.\n\n"
            + "\n".join(plans)
        )


if __name__ == "__main__":
    main()
