"""Events tasks: a few lines each, calling the services. Each may run twice: the
reminders they schedule are unique by key."""

from __future__ import annotations

from events import services
from partyhub.celery import app


@app.task(acks_late=True)
def schedule_thank_yous() -> int:
    return services.thank_yous_schedule()
