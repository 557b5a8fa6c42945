"""Reachability of the database and the broker, for /healthz and `make test`."""

from django.conf import settings
from django.db import connections


def check_database(alias: str = "default") -> str | None:
    """None when the database answers, else a short reason."""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "unreachable"
        return f"{type(exc).__name__}: {exc}".strip()[:300]
    return None


def check_broker(url: str | None = None, timeout: float = 2.0) -> str | None:
    """None when the Celery broker accepts a connection, else a short reason."""
    from kombu import Connection

    url = url or settings.CELERY_BROKER_URL
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    try:
        with Connection(
            url, connect_timeout=timeout, transport_options=options
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
    except Exception as exc:  # noqa: BLE001
        return f"{type(exc).__name__}: {exc}".strip()[:300]
    return None
