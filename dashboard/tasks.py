"""Background work for the officers' home: the weekly digest."""

from __future__ import annotations

from partyhub.celery import app


@app.task(acks_late=True)
def weekly_digest() -> int:
    """Monday morning (beat): schedule this week's digest for each officer who
    asked for it. Idempotent: the week's reminder row is unique per officer."""
    from dashboard.digest import digests_schedule

    return digests_schedule()
