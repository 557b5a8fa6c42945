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
