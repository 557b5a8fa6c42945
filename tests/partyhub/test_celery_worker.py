"""A real Celery worker subprocess takes tasks from Redis and works on the database."""

import os

import pytest

from partyhub import tasks
from partyhub.audit.models import AuditEntry
from tests.worker import (
    LiveWorker,
    celery_live_worker_fixture,  # noqa: F401 - provides `celery_live_worker`
    live_celery_worker,
)

pytestmark = pytest.mark.worker


def test_ping_round_trips_through_a_real_worker(celery_live_worker: LiveWorker):
    worker = celery_live_worker
    assert worker.call(tasks.ping) == "pong"
    # The worker consumed from its own queue on the reserved Redis database.
    assert "partyhub.tasks.ping" in worker.log_text()
    assert worker.queue in worker.log_text()


def test_worker_writes_to_the_test_database(celery_live_worker: LiveWorker):
    worker = celery_live_worker
    entry_id = worker.call(tasks.worker_check, note="from the worker test")

    entry = AuditEntry.objects.get(pk=entry_id)
    assert entry.action == "worker.check"
    assert entry.actor is None
    assert entry.detail == {"note": "from the worker test"}


def test_stopping_the_worker_ends_its_process_group(transactional_db, tmp_path):
    with live_celery_worker(log_dir=tmp_path, pool="prefork") as live:
        assert live.call(tasks.ping) == "pong"
    assert not live.alive
    # Nothing is left in its process group: no orphaned pool children.
    with pytest.raises(ProcessLookupError):
        os.killpg(live.process.pid, 0)
