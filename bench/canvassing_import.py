"""Benchmark: import an electoral register of 20,000 electors in four polling
districts (issue 22: under a minute), then a monthly update file per district.

Generates four CSV files in the layout electoral services send (elector number,
surname, first names, address lines, postcode, markers; about 2.2 electors a
household, 40 streets a district, one in six a postal voter) and runs the service
the import page runs for each file; then the same files again (nothing changes);
then an update file per district adding 50 and deleting 50 electors.

    .venv/bin/python bench/canvassing_import.py --electors 20000

Needs PostgreSQL; uses its own database partyhub_bench_canvass (dropped and
created). Prints lines for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = "partyhub_bench_canvass"
DISTRICTS = 4
STREETS = 40


def district_file(code: int, electors: int, seed: int) -> bytes:
    rng = random.Random(seed)  # noqa: S311
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Elector Number", "Surname", "First Names", "Address 1",
                     "Address 2", "Postcode", "Markers"])  # fmt: skip
    n, house = 1, 0
    while n <= electors:
        house += 1
        street = f"Bench Street {code}-{house % STREETS}"
        number = house // STREETS + 1
        flat = rng.random() < 0.1
        for _ in range(min(rng.choice([1, 2, 2, 3, 4]), electors - n + 1)):
            writer.writerow([
                n, f"Surname{n % 3000}", f"First{n}",
                f"Flat {rng.randint(1, 6)}" if flat else f"{number} {street}",
                f"{number} {street}" if flat else "",
                f"B{code} {house % 9}AA", "P" if rng.random() < 1 / 6 else "",
            ])  # fmt: skip
            n += 1
    return out.getvalue().encode()


def update_file(electors: int, seed: int) -> bytes:
    rng = random.Random(seed)  # noqa: S311
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Change", "Elector Number", "Surname", "First Names",
                     "Address 1", "Postcode", "Markers"])  # fmt: skip
    for n in rng.sample(range(1, electors + 1), 50):
        writer.writerow(["D", n, "", "", "", "", ""])
    for i in range(50):
        writer.writerow(["A", electors + 1 + i, "New", f"Person{i}",
                         f"{i + 1} New Road", "B9 9ZZ", ""])  # fmt: skip
    return out.getvalue().encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--electors", type=int, default=20_000)
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
    from canvassing.models import Elector, Household, PollingDistrict
    from canvassing.services import register_import
    from members.models import Constituency

    clp = Constituency.objects.create(name="Bench Canvass", slug="bench-canvass")
    per = args.electors // DISTRICTS
    files = {
        PollingDistrict.objects.create(constituency=clp, code=f"BC{d}"): district_file(
            d, per, seed=d
        )
        for d in range(1, DISTRICTS + 1)
    }

    def run(label: str, update: bool, payloads: dict) -> None:
        t0 = time.perf_counter()
        added = changed = deleted = 0
        for district, data in payloads.items():
            r = register_import(district=district, data=data, update=update, actor=None)
            added, changed, deleted = (
                added + r.added, changed + r.changed, deleted + r.deleted
            )  # fmt: skip
        took = time.perf_counter() - t0
        print(
            f"| {label} | {Elector.objects.count():,} | **{took:.1f} s** | "
            f"added {added:,}, changed {changed:,}, deleted {deleted:,} |"
        )

    print("| run | electors after | time | result |")
    run("four full districts", False, files)
    run("the same files again", False, files)
    run("monthly updates (+50 −50 each)", True,
        {d: update_file(per, seed=10 + i) for i, d in enumerate(files)})  # fmt: skip
    print(
        f"households {Household.objects.count():,}; "
        f"load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
