"""Benchmark: import a 100,000-row national membership export, then re-import it.

Generates an export in the national layout (membership number, names, email,
address, postcode from the CLP's lookup, status, dates, union), then runs the
service an officer's upload runs: a preview (dry run) and an apply, each reading
the whole file; then the same file again (nothing changes); then a copy with 1%
of the rows changed.

    .venv/bin/python bench/member_import.py --rows 100000

Needs PostgreSQL; uses its own database partyhub_bench_import (dropped and
created). Prints lines for bench/RESULTS.md. Targets: first import under 60 s,
unchanged re-import under 30 s, on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = "partyhub_bench_import"
WARDS = 20
POSTCODES_PER_WARD = 300
STATUSES = ["Current"] * 70 + ["Arrears"] * 12 + ["Lapsed"] * 12 + ["Resigned"] * 6
UNIONS = ["", "", "", "Unite", "UNISON", "GMB", "CWU", "USDAW"]


def postcode(ward: int, n: int) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"B{ward + 10} {n % 10}{letters[n // 10 % 20]}{letters[n // 200 % 20]}"


def make_export(rows: int, seed: int = 1) -> bytes:
    rng = random.Random(seed)  # noqa: S311
    lines = [
        "Membership Number,Forename,Surname,Email Address,Address1,Address2,Town,"
        "Post Code,Phone,Mobile,Status,Join Date,Expiry Date,Trade Union"
    ]
    for i in range(rows):
        ward = rng.randrange(WARDS)
        status = rng.choice(STATUSES)
        joined = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1980, 2025)}"
        expires = f"{rng.randint(2025, 2027)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        lines.append(
            ",".join(
                [
                    f"L{i:07d}",
                    f"First{i}",
                    f"Last{i % 5000}",
                    f"m{i}@bench.example.org" if rng.random() < 0.9 else "",
                    f"{rng.randint(1, 300)} Bench Road {ward}",
                    "",
                    "Birmingham",
                    postcode(ward, rng.randrange(POSTCODES_PER_WARD)),
                    "",
                    f"07700 9{i % 100000:05d}" if rng.random() < 0.6 else "",
                    status,
                    joined,
                    expires,
                    rng.choice(UNIONS),
                ]
            )
        )
    return ("\r\n".join(lines) + "\r\n").encode()


def change_some(data: bytes, share: float) -> bytes:
    rng = random.Random(7)  # noqa: S311
    lines = data.decode().split("\r\n")
    for i in range(1, len(lines) - 1):
        if rng.random() < share:
            fields = lines[i].split(",")
            fields[4] = f"{rng.randint(301, 400)} Moved Street"
            fields[10] = rng.choice(["Current", "Arrears", "Lapsed"])
            lines[i] = ",".join(fields)
    return "\r\n".join(lines).encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()

    env = {
        **os.environ,
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "partyhub.settings",
        "DATABASE_URL": f"{PG}/{DB}",
        "CACHE_URL": "locmemcache://bench",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    for sql in (f"DROP DATABASE IF EXISTS {DB}", f"CREATE DATABASE {DB}"):
        subprocess.run(["psql", PG + "/postgres", "-qc", sql], check=True)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
    )

    import django

    django.setup()
    from django.db import connection

    from members.imports.services import (
        membership_import_apply,
        membership_import_preview,
    )
    from members.models import Branch, Constituency, Membership, Postcode, Ward

    clp = Constituency.objects.create(name="Bench Central", slug="bench-central")
    for w in range(WARDS):
        ward = Ward.objects.create(constituency=clp, name=f"Ward {w}")
        branch, _ = Branch.objects.get_or_create(
            constituency=clp, name=f"Branch {w // 2}"
        )
        branch.wards.add(ward)
        Postcode.objects.bulk_create(
            Postcode(postcode=postcode(w, n), ward=ward, constituency=clp)
            for n in range(POSTCODES_PER_WARD)
        )

    data = make_export(args.rows)
    print(f"export: {args.rows:,} rows, {len(data) / 1e6:.1f} MB")

    def run(label: str, payload: bytes) -> None:
        t0 = time.perf_counter()
        preview = membership_import_preview(
            data=payload,
            file_name="bench.csv",
            constituency=clp,
            actor=None,
            keep_file=False,
        )
        t1 = time.perf_counter()
        applied = membership_import_apply(run=preview, actor=None, data=payload)
        t2 = time.perf_counter()
        counts = applied.counts
        print(
            f"| {label} | {args.rows:,} | {t1 - t0:.1f} s | {t2 - t1:.1f} s | "
            f"**{t2 - t0:.1f} s** | new {counts['new']:,}, changed "
            f"{counts['changed']:,}, unchanged {counts['unchanged']:,} |"
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    print("| run | rows | preview | apply | total | result |")
    run("first import", data)
    run("re-import unchanged", data)
    run("re-import, 1% changed", change_some(data, 0.01))
    assert Membership.objects.count() == args.rows
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:.0f} MB; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
