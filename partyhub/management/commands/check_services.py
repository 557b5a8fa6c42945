"""`manage.py check_services`: are the database and the Celery broker reachable?

`make test` runs it first so a missing PostgreSQL or Redis is one clear line with
the command that starts it, not a page of tracebacks from every test.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from partyhub.health import (
    DEFAULT_TIMEOUT,
    broker_url,
    check_broker,
    check_database,
    check_database_server,
    redact_url,
)

LOCAL_HOSTS = {"", "localhost", "127.0.0.1", "::1", "[::1]"}
START_POSTGRES = (
    "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
)
START_REDIS = (
    'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" '
    "--appendonly no"
)


class Command(BaseCommand):
    help = (
        "Check that the database and the Celery broker answer (a few seconds at "
        "most each). Exits 1, with how to start what is missing, if either does not."
    )
    requires_system_checks = []

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--database", default="default", help="Database alias (default: default)."
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=DEFAULT_TIMEOUT,
            help=f"Seconds to wait for each service (default: {DEFAULT_TIMEOUT:g}).",
        )

    def handle(self, *args, database: str, timeout: float, **options) -> None:
        failed = []
        if not self._database(database, timeout):
            failed.append(self._database_label(database))
        if not self._broker(timeout):
            failed.append(self._broker_label())
        if failed:
            raise CommandError(
                "unreachable: " + ", ".join(failed) + " (see above)", returncode=1
            )

    # --- database --------------------------------------------------------------------
    def _database_label(self, alias: str) -> str:
        vendor = connections[alias].vendor
        return {"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(vendor, vendor)

    def _database(self, alias: str, timeout: float) -> bool:
        conn = connections[alias]
        db = conn.settings_dict
        label = self._database_label(alias)
        if conn.vendor == "sqlite":
            where = str(db["NAME"])
        else:
            where = f"{db.get('USER') or ''}@{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db['NAME']}"
        problem = check_database(alias, timeout)
        if problem is None:
            self._ok(f"{label} ({where})")
            return True
        if (
            conn.vendor == "postgresql"
            and "does not exist" in problem
            and check_database_server(alias, timeout) is None
        ):
            # Only the named database is missing. Tests create their own
            # test_<name> through the server, so this is no failure here.
            name = db["NAME"]
            self._ok(
                f"{label} ({where})",
                note=(
                    f"the server answers; database {name!r} does not exist yet. "
                    f"Tests create test_{name} themselves; to run the site on it: "
                    f"createdb -h {db.get('HOST') or 'localhost'} "
                    f"-U {db.get('USER') or 'postgres'} {name}"
                ),
            )
            return True
        self._unreachable(f"{label} ({where})", problem)
        if conn.vendor == "postgresql":
            if (db.get("HOST") or "") in LOCAL_HOSTS:
                self._hint(f"Start it: {START_POSTGRES}")
            else:
                self._hint(
                    "Check DATABASE_URL and that the server accepts connections."
                )
        return False

    # --- broker ----------------------------------------------------------------------
    def _broker_label(self) -> str:
        scheme = urlsplit(broker_url()).scheme
        if scheme in {"redis", "rediss"}:
            return "Redis broker"
        return f"Celery broker ({scheme or 'unknown'})"

    def _broker(self, timeout: float) -> bool:
        url = broker_url()
        label = f"{self._broker_label()} ({redact_url(url)})"
        problem = check_broker(url, timeout)
        if problem is None:
            self._ok(label)
            return True
        self._unreachable(label, problem)
        parts = urlsplit(url)
        if parts.scheme in {"redis", "rediss"}:
            if (parts.hostname or "") in LOCAL_HOSTS:
                self._hint(f"Start it: {START_REDIS}")
            else:
                self._hint("Check REDIS_URL and that the server accepts connections.")
        return False

    # --- output ----------------------------------------------------------------------
    def _ok(self, label: str, note: str = "") -> None:
        line = f"{label}: " + self.style.SUCCESS("ok")
        self.stdout.write(line + (f" — {note}" if note else ""))

    def _unreachable(self, label: str, problem: str) -> None:
        self.stdout.write(f"{label}: " + self.style.ERROR(f"unreachable ({problem})"))

    def _hint(self, text: str) -> None:
        self.stdout.write(f"    {text}")
