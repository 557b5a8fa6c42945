"""The nightly retention run: one task per CLP, each safe to run twice (a run is one
row per CLP and night; each removal is claimed once)."""

from __future__ import annotations

from django.apps import apps

from partyhub.celery import app
from partyhub.queueing import enqueue_on_commit


@app.task(acks_late=True)
def retention_nightly() -> int:
    """Queue tonight's run for every CLP and for records with no CLP."""
    constituency = apps.get_model("members", "Constituency")
    ids: list[int | None] = [None, *constituency.objects.values_list("pk", flat=True)]
    for pk in ids:
        enqueue_on_commit(retention_run_for, pk)
    return len(ids)


@app.task(acks_late=True, time_limit=3600, soft_time_limit=3500)
def retention_run_for(constituency_id: int | None) -> int:
    from partyhub.dataprotection.retention import retention_run

    constituency = (
        apps.get_model("members", "Constituency").objects.get(pk=constituency_id)
        if constituency_id is not None
        else None
    )
    return retention_run(constituency=constituency).total
