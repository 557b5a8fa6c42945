"""Reachability of the database and the broker, for /healthz and `check_services`.

Both checks answer within a few seconds whatever the network does: a load balancer
probes /healthz every few seconds, and `make test` must say "start PostgreSQL"
rather than hang.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

# libpq rounds anything below 2 seconds up to 2.
DEFAULT_TIMEOUT = 3.0


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}".strip()[:300]


@contextmanager
def _bounded_connect(conn: BaseDatabaseWrapper, timeout: float) -> Iterator[None]:
    """Give a PostgreSQL connection attempt a connect timeout, for this check only."""
    original = conn.settings_dict
    if conn.vendor == "postgresql" and "connect_timeout" not in original.get(
        "OPTIONS", {}
    ):
        # Without it libpq waits for the kernel (minutes) when the host drops
        # packets. The wrapper is per thread, so swapping its dict for a copy
        # bounds this check only and leaves the shared settings alone.
        conn.settings_dict = {
            **original,
            "OPTIONS": {
                **original.get("OPTIONS", {}),
                "connect_timeout": max(2, math.ceil(timeout)),
            },
        }
    try:
        yield
    finally:
        conn.settings_dict = original


def check_database(
    alias: str = "default", timeout: float = DEFAULT_TIMEOUT
) -> str | None:
    """None when the database answers `SELECT 1`, else a short reason."""
    conn = connections[alias]
    try:
        with _bounded_connect(conn, timeout), conn.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "unreachable"
        return _reason(exc)
    return None


def check_database_server(
    alias: str = "default", timeout: float = DEFAULT_TIMEOUT
) -> str | None:
    """None when the database server answers, even if the named database is missing.

    pytest creates its own `test_<name>` database through the server's maintenance
    database, so for `make test` a reachable server is what matters.
    """
    conn = connections[alias]
    if conn.vendor != "postgresql":
        return check_database(alias, timeout)
    try:
        with _bounded_connect(conn, timeout), conn._nodb_cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001
        return _reason(exc)
    return None


def broker_url() -> str:
    return settings.CELERY_BROKER_URL


def check_broker(
    url: str | None = None, timeout: float = DEFAULT_TIMEOUT
) -> str | None:
    """None when the Celery broker accepts a connection, else a short reason.

    Reads `settings.CELERY_BROKER_URL` at call time (not the Celery app's
    configuration), so tests can point it elsewhere with the `settings` fixture.
    """
    from kombu import Connection

    url = url or broker_url()
    options = {
        **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        # A server that accepts the connection and then says nothing must not hang
        # the check either (connect_timeout covers only the TCP connect).
        "socket_timeout": timeout,
    }
    try:
        with Connection(
            url, connect_timeout=timeout, transport_options=options
        ) as conn:
            # One attempt, no retry sleeps: kombu's default would wait 2s and retry.
            conn.ensure_connection(max_retries=0, timeout=timeout)
    except Exception as exc:  # noqa: BLE001
        return _reason(exc)
    return None


def redact_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))
