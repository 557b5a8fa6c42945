"""Governance tasks: a few lines each, calling the services. Each may run twice:
the reminders they schedule are unique by key (one chase per action per week)."""

from __future__ import annotations

from governance import services
from partyhub.celery import app


@app.task(acks_late=True)
def chase_actions() -> int:
    return services.actions_chase()
