"""Helpers shared by the test modules: one copy each, imported from here (never
copied into a module, nor imported from another test module)."""

from __future__ import annotations

from typing import Any

from django.core import mail

from partyhub.comms import sending
from partyhub.comms.consent import consent_record
from partyhub.comms.models import Channel, Method


def grant_email(person: Any, **kwargs: Any) -> Any:
    """Record the person's yes to email (as a signup form's box does)."""
    return consent_record(
        person=person,
        channel=Channel.EMAIL,
        granted=True,
        method=kwargs.pop("method", Method.SIGNUP_FORM),
        wording=kwargs.pop(
            "wording", "Yes, email me about the party's news and events."
        ),
        **kwargs,
    )


def deliveries_send_all(*, worker: str | None = None) -> None:
    """What the workers do: claim and send every delivery that is due."""
    claim = {"worker": worker} if worker else {}
    while ids := sending.deliveries_claim(**claim):
        sending.deliveries_send(ids=ids)


def send_all_mail(now: Any = None) -> list[Any]:
    """What the beat tick and the workers do: queue the due reminders, then send
    every delivery. Returns the emails sent."""
    before = len(mail.outbox)
    sending.reminders_queue_due(now=now)
    deliveries_send_all()
    return mail.outbox[before:]
