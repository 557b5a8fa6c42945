"""Fault injection for worker tests; production code carries none.

A test worker imports this module (tests.worker.start_worker(faults=...) passes
`--include tests.faults` and the settings below in the environment), and it
patches the sending module in that process only:

- PARTYHUB_FAULT_EXIT_AFTER_SENT=N: the process exits hard (os._exit: no cleanup,
  no ack), as a killed worker would, just after its Nth delivery is marked sent.
"""

from __future__ import annotations

import os

from partyhub.comms import sending
from partyhub.comms.models import Delivery

EXIT_AFTER_SENT = int(os.environ.get("PARTYHUB_FAULT_EXIT_AFTER_SENT", "0"))


def _exit_after_sent(limit: int) -> None:
    transition = sending._transition
    count = 0

    def transition_then_maybe_exit(pk, old, **changes):
        nonlocal count
        done = transition(pk, old, **changes)
        if done and changes.get("status") == Delivery.Status.SENT:
            count += 1
            if count >= limit:
                os._exit(137)
        return done

    sending._transition = transition_then_maybe_exit


if EXIT_AFTER_SENT:
    _exit_after_sent(EXIT_AFTER_SENT)
