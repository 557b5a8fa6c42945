"""/healthz and `manage.py check_services`: the database and the broker, reachable
or not, answered quickly and plainly."""

import os
import socket
import subprocess
import sys
import uuid
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from partyhub import health
from partyhub.management.commands import check_services

ROOT = Path(__file__).resolve().parents[2]


def _unused_port() -> int:
    """A local port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def _database_at(port: int):
    """The default connection points at another local port, then is restored.

    Needs transactional_db (no open transaction) so the connection may be closed;
    the next query reconnects to `port`.
    """
    saved = {key: connection.settings_dict[key] for key in ("HOST", "PORT")}
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(port))
    try:
        yield
    finally:
        connection.settings_dict.update(saved)
        connection.close()


@pytest.fixture
def database_down(transactional_db):
    with _database_at(_unused_port()):
        yield


@pytest.fixture
def silent_port():
    """A port that accepts connections (the kernel's backlog) and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield sock.getsockname()[1]


@pytest.fixture
def broker_down(settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{_unused_port()}/0"


# --- /healthz -------------------------------------------------------------------------
def test_healthz_is_ok_when_database_and_broker_answer(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_when_the_database_is_unreachable(client, database_down):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
    assert response.json()["broker"] == "ok"


def test_database_works_again_after_the_outage_test(client, db):
    # Runs after the test above: the restored connection serves queries again.
    assert health.check_database() is None
    assert client.get("/healthz").status_code == 200


def test_healthz_is_503_when_the_broker_is_unreachable(client, db, broker_down):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "broker": "unreachable",
    }


def test_healthz_answers_plain_http_while_everything_else_redirects(
    client, db, settings
):
    settings.SECURE_SSL_REDIRECT = True  # as in production (the test settings relax it)

    assert client.get("/healthz").status_code == 200
    home = client.get("/")
    assert home.status_code == 301
    assert home["Location"].startswith("https://")


def test_healthz_only_answers_get(client, db):
    assert client.post("/healthz").status_code == 405


# --- partyhub.health -------------------------------------------------------------------
def test_database_check_bounds_the_connect_without_changing_settings(database_down):
    original = connection.settings_dict
    options = dict(original.get("OPTIONS", {}))

    reason = health.check_database()

    assert reason is not None and "OperationalError" in reason
    assert connection.settings_dict is original
    assert original.get("OPTIONS", {}) == options  # no connect_timeout left behind


def test_broker_check_reports_the_reason(broker_down):
    reason = health.check_broker()

    assert reason is not None
    assert "refused" in reason.lower()


def test_database_check_gives_up_on_a_server_that_never_answers(
    transactional_db, silent_port
):
    with _database_at(silent_port):
        reason = health.check_database(timeout=2)

    # It returned, saying why: it gave up instead of waiting for ever.
    assert reason is not None and "timeout" in reason.lower()


def test_broker_check_gives_up_on_a_server_that_never_answers(db, silent_port):
    reason = health.check_broker(f"redis://127.0.0.1:{silent_port}/0", timeout=2)

    # It returned, saying why: it gave up instead of waiting for ever.
    assert reason is not None and "timeout" in reason.lower()


def test_redact_url_hides_the_password():
    assert (
        health.redact_url("redis://:s3cret@redis.example:6379/0")
        == "redis://:***@redis.example:6379/0"
    )
    assert health.redact_url("redis://127.0.0.1:6379/1") == "redis://127.0.0.1:6379/1"


# --- manage.py check_services ---------------------------------------------------------
def _check_services(**options) -> tuple[str, CommandError | None]:
    out = StringIO()
    try:
        call_command(check_services.Command(), stdout=out, no_color=True, **options)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def test_check_services_says_ok_for_both(db):
    output, error = _check_services()

    assert error is None
    assert "PostgreSQL (" in output
    assert "Redis broker (redis://" in output
    assert output.count(": ok") == 2


def test_check_services_fails_with_how_to_start_redis(db, broker_down):
    output, error = _check_services()

    assert error is not None and error.returncode == 1
    assert "Redis broker" in str(error)
    assert "PostgreSQL (" in output and "Redis broker (" in output
    assert "unreachable (" in output
    assert "redis-server --daemonize yes" in output


def test_check_services_fails_with_how_to_start_postgresql(database_down):
    output, error = _check_services()

    assert error is not None and error.returncode == 1
    assert "PostgreSQL" in str(error)
    assert "unreachable (" in output
    assert "pg_ctlcluster --skip-systemctl-redirect" in output


def test_manage_py_check_services_exits_non_zero_on_unused_ports():
    port = _unused_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/partyhub",
        "REDIS_URL": f"redis://127.0.0.1:{port}/0",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check_services", "--no-color"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1, result.stdout + result.stderr
    assert f"PostgreSQL (postgres@127.0.0.1:{port}/partyhub): unreachable" in (
        result.stdout
    )
    assert f"Redis broker (redis://127.0.0.1:{port}/0): unreachable" in result.stdout
    assert "pg_ctlcluster" in result.stdout and "redis-server" in result.stdout
    assert "unreachable: PostgreSQL, Redis broker" in result.stderr


def test_check_services_accepts_a_server_without_the_database_yet(db, settings):
    # pytest-django makes test_<name> through the server; the named database itself
    # need not exist for `make test`.
    server = connection.settings_dict
    name = f"partyhub_missing_{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{server['USER']}@{server['HOST']}:{server['PORT']}/{name}",
        "REDIS_URL": settings.CELERY_BROKER_URL,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check_services", "--no-color"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"database '{name}' does not exist yet" in result.stdout
    assert f"createdb -h {server['HOST']} -U {server['USER']} {name}" in result.stdout
