"""The scale dataset for issue 21: a region's (or the party's) people, with COPY.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/partyhub_scale \\
    DJANGO_SETTINGS_MODULE=partyhub.settings_test \\
    nice -n 10 .venv/bin/python bench/scale_data.py --scale 1.0

At `--scale 1.0`: 650 constituencies with 20 wards and 10 branches each,
1,500,000 people of whom 500,000 are members and 1,000,000 supporters, email
consent for 60% of them (the current state and the event that granted it), a
year of messages (four a CLP by default, `--messages-per-clp`) with a delivery
to everyone who consented, a year of events with
bookings, and audit entries. `--scale 0.1` makes a tenth of the people (the
constituencies stay 650 unless `--clps` says otherwise).

Deterministic: the same arguments give the same rows (one seeded generator;
times are counted back from a fixed day, not from now). Rows go in with
PostgreSQL's COPY (psycopg2 `copy_expert`), built from the Django models'
fields, so a column added later with a default needs no change here.

Refuses to write into a database that already has constituencies, and into any
database whose name does not contain "scale" (the test and development databases
are never touched); the database must be migrated first
(`manage.py migrate`). A tiny-size smoke test is in tests/bench/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import sys
import time
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partyhub.settings_test")

FIRST = (
    "Ada Ben Chloe Dev Eve Farah Gus Hana Ivan Jo Kemi Liam Maya Nia Omar Priya "
    "Quinn Rosa Sam Tariq Uma Vic Wen Yusuf Zoe Amir Beth Carl Dina Ellis"
).split()
SURNAMES = (
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts "
    "Robinson Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris "
    "Clarke Patel Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark "
    "Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker "
    "Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey "
    "Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall Anderson Simpson "
    "Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb Rogers Gray "
    "Mason Ali Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes "
    "Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon Harvey "
    "Okafour Nwosu Kowalski Nowak Ahmed Rahman Chen Wong Nguyen Silva"
).split()
TODAY = dt.date(2026, 12, 1)
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
CHUNK = 50_000


_DATES: dict = {}


def _text(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        text = _DATES.get(value)
        if text is None:
            if len(_DATES) > 200_000:
                _DATES.clear()
            text = _DATES[value] = value.isoformat()
        return text
    if isinstance(value, dict | list):
        value = json.dumps(value)
    value = str(value)
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return value


class Copier:
    """COPY rows (dicts keyed by field attname) into a model's table; fields a
    row leaves out get the field's default (auto_now fields: NOW)."""

    def __init__(self, connection, model, *, verbose: bool = True):
        self.connection = connection
        self.model = model
        self.verbose = verbose
        # Generated columns are the database's to fill (COPY refuses them).
        self.fields = [f for f in model._meta.concrete_fields if not f.generated]
        self.defaults = {}
        for f in self.fields:
            if f.primary_key:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults[f.attname] = _text(NOW)
            elif f.has_default():
                default = f.get_default()
                self.defaults[f.attname] = _text(
                    NOW if isinstance(default, dt.datetime) else default
                )
            elif f.null:
                self.defaults[f.attname] = r"\N"
            elif f.blank and f.get_internal_type() in ("CharField", "TextField"):
                self.defaults[f.attname] = ""
            elif f.get_internal_type() in ("EmailField", "SlugField"):
                self.defaults[f.attname] = ""
            else:
                self.defaults[f.attname] = None  # required
        self.columns = ", ".join(
            connection.ops.quote_name(f.column) for f in self.fields
        )
        self.attnames = [f.attname for f in self.fields]
        self.count = 0

    def _line(self, row: dict) -> str:
        out = []
        for name in self.attnames:
            if name in row:
                out.append(_text(row[name]))
            else:
                default = self.defaults.get(name)
                if default is None:
                    raise ValueError(f"{self.model.__name__}.{name} needs a value")
                out.append(default)
        return "\t".join(out)

    def copy(self, rows: Iterable[dict]) -> int:
        table = self.connection.ops.quote_name(self.model._meta.db_table)
        sql = f"COPY {table} ({self.columns}) FROM STDIN"
        buffer: list[str] = []
        start = time.perf_counter()
        with self.connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg2's own cursor, for copy_expert
            for row in rows:
                buffer.append(self._line(row))
                if len(buffer) >= CHUNK:
                    raw.copy_expert(sql, io.StringIO("\n".join(buffer) + "\n"))
                    self.count += len(buffer)
                    buffer = []
            if buffer:
                raw.copy_expert(sql, io.StringIO("\n".join(buffer) + "\n"))
                self.count += len(buffer)
        if self.verbose:
            took = time.perf_counter() - start
            print(
                f"  {self.model._meta.label}: {self.count:,} rows in {took:.1f} s",
                flush=True,
            )
        return self.count


def _drop_indexes(connection, models) -> list[str]:
    """Drop the indexes of `models`' tables that no constraint owns (a bulk load
    is several times faster without them) and return the statements that make
    them again. Primary keys and unique constraints stay."""
    statements: list[str] = []
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(
                """
                SELECT i.indexname, i.indexdef FROM pg_indexes i
                WHERE i.schemaname = current_schema() AND i.tablename = %s
                AND NOT EXISTS (
                    SELECT 1 FROM pg_constraint c
                    WHERE c.conindid = (quote_ident(i.indexname))::regclass
                )
                """,
                [model._meta.db_table],
            )
            for name, definition in cursor.fetchall():
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
                statements.append(definition)
    return statements


def _reset_sequences(connection, models) -> None:
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def _postcode(rng: random.Random, area: str) -> str:
    return f"{area}{rng.randrange(1, 30)} {rng.randrange(1, 10)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"


def generate(
    *,
    scale: float = 1.0,
    clps: int = 650,
    seed: int = 21,
    messages_per_clp: int = 4,
    events_per_clp: int = 24,
    log: Callable[[str], None] = print,
    check_database_name: bool = True,
) -> dict[str, int]:
    """Fill the (migrated, empty) default database; returns rows per table."""
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from events.models import Booking, Event
    from members.models import Branch, Constituency, Membership, Person, Ward
    from partyhub.audit.models import AuditEntry
    from partyhub.comms.models import ConsentEvent, ConsentState, Delivery, Message
    from supporters.models import Supporter

    if connection.vendor != "postgresql":
        raise SystemExit("The scale dataset needs PostgreSQL (COPY).")
    name = connection.settings_dict["NAME"]
    if check_database_name and "scale" not in name:
        raise SystemExit(
            f"Refusing to fill {name!r}: use a database of its own whose name "
            "contains 'scale' (e.g. partyhub_scale)."
        )
    if Constituency.objects.exists():
        raise SystemExit(f"{name!r} already has constituencies: use an empty one.")

    rng = random.Random(seed)
    members_n = round(500_000 * scale)
    supporters_n = round(1_000_000 * scale)
    people_n = members_n + supporters_n
    counts: dict[str, int] = {}
    started = time.perf_counter()
    log(
        f"Filling {name}: {clps} constituencies, {people_n:,} people "
        f"({members_n:,} members, {supporters_n:,} supporters)"
    )

    def copy(model, rows) -> None:
        counts[model._meta.label] = Copier(connection, model).copy(rows)

    big = [
        Person,
        Membership,
        Supporter,
        ConsentEvent,
        ConsentState,
        Delivery,
        Booking,
        AuditEntry,
    ]
    with transaction.atomic():
        # The rows are consistent by construction: as a superuser, skip the
        # foreign-key triggers for this transaction (most of a COPY's cost);
        # otherwise check them row by row (Django's are deferred to the commit,
        # which would queue every check in memory and block CREATE INDEX).
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if cursor.fetchone()[0]:
                cursor.execute("SET LOCAL session_replication_role = replica")
            else:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        recreate = _drop_indexes(connection, big)
        # Organisation: constituencies, 20 wards and 10 branches each.
        areas = [
            a + b
            for a in "BCDEGHKLMNPRSTW"
            for b in "ABCDEFGHKLMNPRSTWY"  # two-letter postcode areas
        ]
        copy(
            Constituency,
            (
                {
                    "id": c,
                    "name": f"Constituency {c:03d}",
                    "slug": f"scale-{c}",
                    "ons_code": f"E99{c:06d}",  # fictional codes
                }
                for c in range(1, clps + 1)
            ),
        )
        copy(
            Ward,
            (
                {
                    "id": (c - 1) * 20 + w,
                    "constituency_id": c,
                    "name": f"Constituency {c:03d} ward {w}",
                    "ons_code": f"E98{(c - 1) * 20 + w:06d}",
                }
                for c in range(1, clps + 1)
                for w in range(1, 21)
            ),
        )
        copy(
            Branch,
            (
                {
                    "id": (c - 1) * 10 + b,
                    "constituency_id": c,
                    "name": f"Constituency {c:03d} branch {b}",
                }
                for c in range(1, clps + 1)
                for b in range(1, 11)
            ),
        )

        # People: ids 1..members_n are members, the rest supporters. Each
        # person's CLP is drawn at random (CLPs differ in size, as they do).
        person_clp = [0] * (people_n + 1)
        consent = bytearray(people_n + 1)  # 1: email consent granted
        emails: dict[int, str] = {}  # of those with consent, for deliveries

        def people():
            for pid in range(1, people_n + 1):
                c = 1 + int(rng.paretovariate(3) * 1000) % clps
                person_clp[pid] = c
                w = (c - 1) * 20 + rng.randrange(1, 21)
                has_email = rng.random() < 0.9
                if has_email and rng.random() < 0.66:
                    consent[pid] = 1
                first = rng.choice(FIRST)
                last = rng.choice(SURNAMES)
                email = f"{first.lower()}.{last.lower()}{pid}@example.org"
                if consent[pid]:
                    emails[pid] = email
                yield {
                    "id": pid,
                    "first_name": first,
                    "last_name": last,
                    "email": email if has_email else "",
                    "phone": f"0121 {pid // 10000 % 1000:03d} {pid % 10000:04d}"
                    if rng.random() < 0.4
                    else "",
                    "mobile": f"07700 {pid % 1000000:06d}"
                    if rng.random() < 0.5
                    else "",
                    "address_line_1": f"{rng.randrange(1, 300)} High Street",
                    "town": f"Town {c}",
                    "postcode": _postcode(rng, areas[c % len(areas)]),
                    "constituency_id": c,
                    "ward_id": w,
                    "created": NOW - dt.timedelta(days=rng.randrange(0, 5000)),
                }

        copy(Person, people())

        statuses = ["current"] * 14 + ["arrears"] * 3 + ["lapsed"] * 2 + ["resigned"]

        def memberships():
            for pid in range(1, members_n + 1):
                c = person_clp[pid]
                joined = TODAY - dt.timedelta(days=rng.randrange(0, 15 * 365))
                status = rng.choice(statuses)
                expires = TODAY + dt.timedelta(days=rng.randrange(-400, 365))
                yield {
                    "id": pid,
                    "person_id": pid,
                    "membership_number": f"L{pid:07d}",
                    "constituency_id": c,
                    "branch_id": (c - 1) * 10 + rng.randrange(1, 11),
                    "status": status,
                    "joined": joined,
                    "expires": expires,
                    "status_since": joined
                    if status == "current"
                    else expires - dt.timedelta(days=rng.randrange(0, 60)),
                }

        copy(Membership, memberships())

        def supporters():
            for i, pid in enumerate(range(members_n + 1, people_n + 1), start=1):
                yield {
                    "id": i,
                    "person_id": pid,
                    "constituency_id": person_clp[pid],
                    "status": rng.choice(("confirmed",) * 8 + ("pending", "left")),
                    "source": rng.choice(
                        ("form", "form", "event", "petition", "import")
                    ),
                    "joined": TODAY - dt.timedelta(days=rng.randrange(0, 8 * 365)),
                }

        copy(Supporter, supporters())

        granted_at = {}

        def consent_events():
            for pid in range(1, people_n + 1):
                if consent[pid]:
                    at = NOW - dt.timedelta(minutes=rng.randrange(0, 5000 * 1440))
                    granted_at[pid] = at
                    yield {
                        "id": len(granted_at),
                        "person_id": pid,
                        "channel": "email",
                        "topic": "",
                        "granted": True,
                        "at": at,
                        "method": "import" if pid <= members_n else "signup_form",
                        "wording": "Email me news and invitations.",
                    }

        copy(ConsentEvent, consent_events())
        copy(
            ConsentState,
            (
                {
                    "id": i,
                    "person_id": pid,
                    "channel": "email",
                    "topic": "",
                    "granted": True,
                    "method": "import" if pid <= members_n else "signup_form",
                    "at": at,
                }
                for i, (pid, at) in enumerate(granted_at.items(), start=1)
            ),
        )

        # Who each CLP may email: the recipients of its newsletters.
        by_clp: dict[int, list[int]] = {c: [] for c in range(1, clps + 1)}
        for pid in granted_at:
            by_clp[person_clp[pid]].append(pid)
        granted_at.clear()

        sent_days = [
            NOW - dt.timedelta(days=365 * m // messages_per_clp + 2)
            for m in range(messages_per_clp)
        ]
        copy(
            Message,
            (
                {
                    "id": (c - 1) * messages_per_clp + m + 1,
                    "constituency_id": c,
                    "kind": "message",
                    "topic": "general",
                    "subject": f"News from Constituency {c:03d}, {sent_days[m]:%B %Y}",
                    "body": "This month in the constituency.",
                    "status": "sent",
                    "send_at": sent_days[m],
                    "dispatched_at": sent_days[m],
                    "finished_at": sent_days[m] + dt.timedelta(minutes=20),
                    "created": sent_days[m] - dt.timedelta(days=1),
                }
                for c in range(1, clps + 1)
                for m in range(messages_per_clp)
            ),
        )

        def deliveries():
            n = 0
            for c in range(1, clps + 1):
                recipients = by_clp[c]
                for m in range(messages_per_clp):
                    mid = (c - 1) * messages_per_clp + m + 1
                    sent = sent_days[m]
                    for pid in recipients:
                        n += 1
                        failed = rng.random() < 0.005
                        yield {
                            "id": n,
                            "message_id": mid,
                            "person_id": pid,
                            "to_email": emails[pid],
                            "status": "failed" if failed else "sent",
                            "attempts": 1,
                            "sent_at": None if failed else sent,
                            "error": "550 mailbox unavailable" if failed else "",
                            "created": sent,
                            "updated": sent,
                        }

        copy(Delivery, deliveries())

        # A year of events: each CLP's own, two a month, thirty bookings each.
        start_day = NOW - dt.timedelta(days=365)
        events_n = clps * events_per_clp

        def events():
            for e in range(1, events_n + 1):
                starts = start_day + dt.timedelta(
                    days=rng.randrange(0, 395), hours=rng.randrange(10, 20)
                )
                yield {
                    "id": e,
                    "kind": rng.choice(("social", "branch", "all_member", "training")),
                    "title": f"Event {e}",
                    "starts": starts,
                    "ends": starts + dt.timedelta(hours=2),
                    "status": "published",
                    "audience": "members_supporters",
                    "capacity": 60,
                }

        copy(Event, events())
        copy(
            Event.constituencies.through,
            (
                {
                    "id": e,
                    "event_id": e,
                    "constituency_id": (e - 1) // events_per_clp + 1,
                }
                for e in range(1, events_n + 1)
            ),
        )

        def bookings():
            n = 0
            for e in range(1, events_n + 1):
                c = (e - 1) // events_per_clp + 1
                pool = by_clp[c]
                if not pool:
                    continue
                for pid in set(rng.choices(pool, k=min(30, len(pool)))):
                    n += 1
                    status = rng.choice(("yes",) * 6 + ("no", "maybe", "cancelled"))
                    yield {
                        "id": n,
                        "event_id": e,
                        "person_id": pid,
                        "status": status,
                        "source": rng.choice(("portal", "link", "officer")),
                        "attended_at": NOW - dt.timedelta(days=rng.randrange(1, 365))
                        if status == "yes" and rng.random() < 0.6
                        else None,
                    }

        copy(Booking, bookings())

        # Audit: one officer in each CLP, and entries for a year of their work.
        User = get_user_model()
        copy(
            User,
            (
                {
                    "id": c,
                    "username": f"officer{c}",
                    "email": f"officer{c}@example.org",
                    "password": "!",
                    "is_staff": True,
                    "date_joined": NOW - dt.timedelta(days=800),
                }
                for c in range(1, clps + 1)
            ),
        )
        from django.contrib.contenttypes.models import ContentType

        person_ct = ContentType.objects.get_for_model(Person).pk
        membership_ct = ContentType.objects.get_for_model(Membership).pk
        actions = (
            ("members.person_updated", person_ct),
            ("members.membership_status_changed", membership_ct),
            ("comms.consent_recorded", person_ct),
            ("members.person_viewed_contact", person_ct),
        )

        def audit():
            for i in range(1, people_n // 3 + 1):
                pid = rng.randrange(1, people_n + 1)
                c = person_clp[pid]
                action, ct = rng.choice(actions)
                yield {
                    "id": i,
                    "at": NOW - dt.timedelta(minutes=rng.randrange(0, 365 * 1440)),
                    "actor_id": c,
                    "actor_repr": f"officer{c}",
                    "action": action,
                    "constituency_id": c,
                    "content_type_id": ct,
                    "object_id": str(pid),
                    "object_repr": f"Person {pid}",
                    "detail": {},
                }

        copy(AuditEntry, audit())

        index_start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for statement in recreate:
                cursor.execute(statement)
        log(
            f"  {len(recreate)} indexes made again in "
            f"{time.perf_counter() - index_start:.0f} s"
        )
        _reset_sequences(
            connection,
            [
                Constituency,
                Ward,
                Branch,
                Person,
                Membership,
                Supporter,
                ConsentEvent,
                ConsentState,
                Message,
                Delivery,
                Event,
                Event.constituencies.through,
                Booking,
                User,
                AuditEntry,
            ],
        )
    log(f"  COPY done in {time.perf_counter() - started:.0f} s; ANALYZE…")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log(f"Done in {time.perf_counter() - started:.0f} s")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--clps", type=int, default=650)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--messages-per-clp", type=int, default=4)
    parser.add_argument("--events-per-clp", type=int, default=24)
    args = parser.parse_args()
    print(f"load average before: {open('/proc/loadavg').read().strip()}")
    generate(
        scale=args.scale,
        clps=args.clps,
        seed=args.seed,
        messages_per_clp=args.messages_per_clp,
        events_per_clp=args.events_per_clp,
    )
    print(f"load average after: {open('/proc/loadavg').read().strip()}")


if __name__ == "__main__":
    main()
