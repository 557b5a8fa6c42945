"""Fault injection for the tests; production code carries none.

Two kinds:

- A test worker imports this module (tests.worker.start_worker(faults=...) passes
  `--include tests.faults` and the settings below in the environment), and it
  patches the sending module in that process only. PARTYHUB_FAULT_EXIT_AFTER_SENT=N:
  the process exits hard (os._exit: no cleanup, no ack), as a killed worker would,
  just after its Nth delivery is marked sent.
- Services of the test's own that a test may stop (a throwaway redis-server):
  never the shared PostgreSQL or Redis. Ports come from PARTYHUB_TEST_PORTS
  ("7400-7449") when set, so parallel runs on one machine keep apart; else the
  operating system picks a free one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest


def free_port() -> int:
    wanted = os.environ.get("PARTYHUB_TEST_PORTS", "")
    candidates = [0]
    if wanted:
        low, _, high = wanted.partition("-")
        candidates = list(range(int(low), int(high or low) + 1))
    for port in candidates:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise RuntimeError(f"no free port in {wanted}")


@dataclass
class RedisServer:
    process: subprocess.Popen
    port: int

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@contextlib.contextmanager
def throwaway_redis() -> Iterator[RedisServer]:
    """A redis-server on a free local port, no persistence, stopped at the end."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    server = RedisServer(process=process, port=port)
    try:
        deadline = time.monotonic() + 10
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the throwaway redis-server did not start")
            time.sleep(0.02)
        yield server
    finally:
        server.stop()


EXIT_AFTER_SENT = int(os.environ.get("PARTYHUB_FAULT_EXIT_AFTER_SENT", "0"))


def _exit_after_sent(limit: int) -> None:
    from partyhub.comms import sending
    from partyhub.comms.models import Delivery

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
