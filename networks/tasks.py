"""Networks' background work: a few lines each, calling the services.

The digest run may happen twice (a beat restart, a retry): each digest is one row
per membership and period, created with the marker in one transaction."""

from __future__ import annotations

from networks import services
from partyhub.celery import app


@app.task(acks_late=True, time_limit=600)
def send_digests() -> int:
    return services.digests_schedule()
