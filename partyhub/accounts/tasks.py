"""Accounts tasks: a few lines each, calling the services."""

from __future__ import annotations

import smtplib
import socket

from partyhub.accounts import services
from partyhub.celery import app


@app.task(
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, socket.error),
    retry_backoff=True,
    max_retries=5,
)
def send_claim_email(request_id: str, email: str, membership_number: str = "") -> str:
    return services.account_claim_email_send(
        request_id=request_id, email=email, membership_number=membership_number
    )


@app.task(acks_late=True)
def offices_ended_logout() -> int:
    return services.offices_ended_logout()
