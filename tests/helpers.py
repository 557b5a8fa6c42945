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


def run_at_once(*calls: Any) -> list[BaseException]:
    """Run each callable in its own thread (its own database connection), all
    released together by a barrier; the exceptions they raised, if any. For race
    tests on PostgreSQL (pytest.mark.django_db(transaction=True))."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(len(calls))
    raised: list[BaseException] = []

    def run(call: Any) -> None:
        try:
            barrier.wait(10)
            call()
        except BaseException as exc:  # reported to the test
            raised.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return raised
