"""A real Celery worker in a subprocess, for tests that need one.

The worker runs `celery -A partyhub worker` with the test settings, on the test
database pytest-django created (so it sees rows the test committed: use
`transactional_db`), on a Redis database reserved for worker tests and on a queue
of its own, so it can never take work meant for anything else.

    from partyhub import tasks
    from tests.worker import live_celery_worker

    def test_something(transactional_db, tmp_path):
        with live_celery_worker(log_dir=tmp_path) as worker:
            assert worker.call(tasks.ping) == "pong"

or use the `celery_live_worker` fixture: import `celery_live_worker_fixture` from
here into the test module or a conftest (or put `pytest_plugins = ["tests.worker"]`
in tests/conftest.py) and ask for `celery_live_worker`.

Tasks go to the worker through a small Celery client app of its own, bound to the
worker's Redis, so partyhub's app (and the pools it caches) is never reconfigured.
Code under test that enqueues with `.delay()` still talks to the test settings'
broker; send such work to the worker with `worker.send(...)`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from celery import Celery, states
from django.conf import settings
from django.db import connections

ROOT = Path(__file__).resolve().parents[1]
# Redis database 5 is reserved for worker tests (1 and 2 are the test broker and
# cache). PARTYHUB_TEST_WORKER_REDIS_URL overrides it.
WORKER_REDIS_DB = 5


def worker_redis_url() -> str:
    """The Redis the worker uses as broker and result backend."""
    if url := os.environ.get("PARTYHUB_TEST_WORKER_REDIS_URL"):
        return url
    broker = urlsplit(settings.CELERY_BROKER_URL)
    if broker.scheme not in {"redis", "rediss"}:
        return f"redis://127.0.0.1:6379/{WORKER_REDIS_DB}"
    return urlunsplit(broker._replace(path=f"/{WORKER_REDIS_DB}", query=""))


def worker_database_url(alias: str = "default") -> str:
    """A DATABASE_URL for the database this test session runs on (test_<name>)."""
    conn = connections[alias]
    if conn.vendor != "postgresql":
        pytest.skip("a worker subprocess needs the PostgreSQL test database")
    db = conn.settings_dict
    auth = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = quote(db.get("HOST") or "", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{quote(db['NAME'], safe='')}"


@dataclass
class LiveWorker:
    """A running worker subprocess and how to talk to it."""

    queue: str
    nodename: str
    redis_url: str
    log_path: Path
    process: subprocess.Popen
    client: Celery
    sent: list[str] = field(default_factory=list)

    # --- talking to it -----------------------------------------------------------
    def send(self, task: Any, *args: Any, **kwargs: Any) -> str:
        """Enqueue `task` (a task or its name) on this worker's queue; the task id."""
        name = task if isinstance(task, str) else task.name
        result = self.client.send_task(name, args=args, kwargs=kwargs, queue=self.queue)
        self.sent.append(result.id)
        return result.id

    def result(self, task_id: str, timeout: float = 30) -> Any:
        """Wait for a task's result; fail with the worker's log if it never comes."""
        backend = self.client.backend
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            meta = backend.get_task_meta(task_id)
            if meta["status"] == states.SUCCESS:
                return meta["result"]
            if meta["status"] in states.PROPAGATE_STATES:
                raise AssertionError(
                    f"task {task_id} ended {meta['status']}: {meta['result']!r}\n"
                    f"{meta.get('traceback') or ''}\n{self.log_tail()}"
                )
            if not self.alive:
                raise AssertionError(f"the worker exited\n{self.log_tail()}")
            time.sleep(0.1)
        raise AssertionError(
            f"no result for task {task_id} within {timeout}s\n{self.log_tail()}"
        )

    def call(self, task: Any, *args: Any, timeout: float = 30, **kwargs: Any) -> Any:
        """Send a task to the worker and return its result."""
        return self.result(self.send(task, *args, **kwargs), timeout=timeout)

    def ping(self, timeout: float = 1.0) -> bool:
        """True when the worker answers a remote-control ping."""
        replies = self.client.control.ping(destination=[self.nodename], timeout=timeout)
        return any(self.nodename in reply for reply in replies)

    # --- its life ---------------------------------------------------------------
    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_tail(self, chars: int = 4000) -> str:
        return f"--- worker log ({self.log_path}) ---\n{self.log_text()[-chars:]}"

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        last_error = "no reply"
        while time.monotonic() < deadline:
            if not self.alive:
                raise AssertionError(
                    f"the worker exited with {self.process.returncode} before it "
                    f"was ready\n{self.log_tail()}"
                )
            try:
                if self.ping(timeout=0.5):
                    return
            except Exception as exc:  # noqa: BLE001 - broker not there yet: retry
                last_error = f"{type(exc).__name__}: {exc}"
            time.sleep(0.2)
        raise AssertionError(
            f"the worker did not answer a ping within {timeout}s ({last_error})\n"
            f"{self.log_tail()}"
        )

    def kill(self) -> None:
        """Kill it hard, as a crash or an OOM kill would: no shutdown, no acks."""
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self, timeout: float = 15) -> None:
        """Warm shutdown (SIGTERM), then SIGKILL for anything left in its group."""
        if self.alive:
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        # Pool children outlive a parent that was killed: clear the whole group.
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        self._clean_redis()

    def _clean_redis(self) -> None:
        # Leave the reserved database as we found it: this run's queue and results.
        with suppress(Exception):
            backend = self.client.backend
            keys = [backend.get_key_for_task(task_id) for task_id in self.sent]
            keys += [
                self.queue,
                f"_kombu.binding.{self.queue}",
                f"_kombu.binding_permanent.{self.queue}",
            ]
            backend.client.delete(*keys)
        self.client.close()


def start_worker(
    *,
    log_dir: Path,
    pool: str = "solo",
    concurrency: int = 1,
    queue: str | None = None,
    redis_url: str | None = None,
    env: dict[str, Any] | None = None,
    faults: dict[str, Any] | None = None,
    extra_args: list[str] | None = None,
) -> LiveWorker:
    """Start a worker subprocess (not waiting for it). Prefer `live_celery_worker`.

    `faults` turns on fault injection in the worker (see tests/faults.py), e.g.
    {"PARTYHUB_FAULT_EXIT_AFTER_SENT": 90}; production code has no such hook.
    """
    queue = queue or f"partyhub-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    redis_url = redis_url or worker_redis_url()
    nodename = f"{queue}@localhost"
    log_path = Path(log_dir) / f"worker-{queue}.log"
    worker_env = {
        **os.environ,
        # The same settings as this test session (pytest-django exports them).
        "DJANGO_SETTINGS_MODULE": os.environ.get(
            "DJANGO_SETTINGS_MODULE", "partyhub.settings_test"
        ),
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": queue,
        "PYTHONUNBUFFERED": "1",
        **{key: str(value) for key, value in (env or {}).items()},
        **{key: str(value) for key, value in (faults or {}).items()},
    }
    command = [
        sys.executable, "-m", "celery", "-A", "partyhub", "worker",
        f"--pool={pool}", f"--concurrency={concurrency}", "-l", "info",
        "-Q", queue, "-n", nodename,
        # Nothing else to talk to: start and stop faster.
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        *(["--include", "tests.faults"] if faults else []),
        *(extra_args or []),
    ]  # fmt: skip
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=worker_env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own process group, so stopping it also stops its pool children.
            start_new_session=True,
        )
    return LiveWorker(
        queue=queue,
        nodename=nodename,
        redis_url=redis_url,
        log_path=log_path,
        process=process,
        client=Celery(
            f"client-{queue}", broker=redis_url, backend=redis_url, set_as_current=False
        ),
    )


@contextmanager
def live_celery_worker(
    *, log_dir: Path, ready_timeout: float = 60, **options: Any
) -> Iterator[LiveWorker]:
    """A ready worker for the `with` block; stopped (and its group killed) after.

    When the block raises, the worker's log is attached to the exception.
    """
    worker = start_worker(log_dir=log_dir, **options)
    try:
        worker.wait_ready(timeout=ready_timeout)  # its failure carries the log
        try:
            yield worker
        except Exception as exc:
            exc.add_note(worker.log_tail())
            raise
    finally:
        worker.stop()


@pytest.fixture(name="celery_live_worker")
def celery_live_worker_fixture(transactional_db, tmp_path) -> Iterator[LiveWorker]:
    """A real worker on the test database and its own queue (see the module doc).

    Its log is printed at teardown, which pytest shows when the test failed.
    """
    worker = start_worker(log_dir=tmp_path)
    try:
        worker.wait_ready()
        yield worker
    finally:
        worker.stop()
        print(worker.log_tail())
