"""Supporters' club tasks: a few lines each, calling the signup services.

Each may run twice: the confirmation email is claimed with a compare-and-set, and
the purge deletes only what is still there.
"""

from __future__ import annotations

import smtplib
import socket

from partyhub.celery import app
from supporters import signup


@app.task(
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, socket.error),
    retry_backoff=True,
    max_retries=5,
)
def send_confirmation(signup_request_id: int) -> bool:
    return signup.signup_confirmation_send(signup_request_id=signup_request_id)


@app.task(acks_late=True)
def purge_unconfirmed() -> int:
    return signup.signup_requests_purge()


@app.task(acks_late=True)
def send_missed_confirmations() -> int:
    return signup.signup_confirmations_send_missed()


# A large list takes a minute or two to check and to apply; the run's
# compare-and-sets make a retry or a redelivery safe.
@app.task(acks_late=True, time_limit=1800, soft_time_limit=1740)
def import_check(run_id: int) -> None:
    from supporters.services.import_runs import supporters_import_check

    supporters_import_check(run_id=run_id)


@app.task(acks_late=True, time_limit=1800, soft_time_limit=1740)
def import_apply(run_id: int, actor_id: int | None) -> None:
    from django.contrib.auth import get_user_model

    from supporters.services.import_runs import supporters_import_apply_queued

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    supporters_import_apply_queued(run_id=run_id, actor=actor)


@app.task(acks_late=True)
def imports_requeue() -> int:
    from supporters.services.import_runs import supporters_imports_requeue

    return supporters_imports_requeue()
