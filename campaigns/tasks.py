"""Campaigns tasks: a few lines each, calling the services. Each may run twice:
sessions are unique per team and start."""

from __future__ import annotations

from campaigns import services
from partyhub.celery import app


@app.task(acks_late=True, time_limit=600)
def generate_sessions() -> int:
    return services.sessions_generate_all()
