"""Queueing background work after a transaction commits, without trusting the broker.

The database is the source of truth: a row is written first, the task only speeds
things up. When the broker cannot be reached the caller's page still works, the
outage is logged, and a beat job picks up what was not queued.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)


def enqueue_on_commit(task: Any, *args: Any) -> None:
    def send() -> None:
        try:
            task.apply_async(args, retry=False)
        except Exception:  # noqa: BLE001 - any broker failure: the rows are kept
            log.warning("Broker unreachable; %s%r not queued", task.name, args)

    transaction.on_commit(send)
