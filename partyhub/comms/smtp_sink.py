"""A local SMTP sink (aiosmtpd) that accepts every message and records it.

`make smtp-sink` runs it for realistic local sending (EMAIL_URL=smtp://127.0.0.1:1025);
tests and benchmarks start it to count exactly what a mail server accepted. It
never relays anything anywhere.

    python -m partyhub.comms.smtp_sink --port 1025 [--record FILE] [--quiet]
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller

_HEADER = re.compile(
    rb"^(Message-ID|Subject):\s*(.*?)\r?$", re.IGNORECASE | re.MULTILINE
)


class RecordingHandler:
    """Accepts everything; keeps (recipients, Message-ID, subject) of each message."""

    def __init__(self, record: Path | None = None, quiet: bool = False):
        self.accepted: list[dict] = []
        self.lock = threading.Lock()
        self.record = record.open("a", encoding="utf-8") if record else None
        self.quiet = quiet

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        head = envelope.original_content[:8192] if envelope.original_content else b""
        headers = {
            k.decode().lower(): v.decode(errors="replace")
            for k, v in _HEADER.findall(head)
        }
        item = {
            "to": list(envelope.rcpt_tos),
            "message_id": headers.get("message-id", ""),
            "subject": headers.get("subject", ""),
        }
        with self.lock:
            self.accepted.append(item)
            if self.record:
                self.record.write(json.dumps(item) + "\n")
                self.record.flush()
        if not self.quiet:
            print(
                f"accepted: to={','.join(item['to'])} subject={item['subject']!r}",
                flush=True,
            )
        return "250 Message accepted for delivery"


def start(port: int = 0, record: Path | None = None, quiet: bool = True):
    """Start a sink in a background thread; returns (controller, handler)."""
    handler = RecordingHandler(record=record, quiet=quiet)
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument(
        "--record", type=Path, default=None, help="append JSON lines here"
    )
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    controller, _handler = start(args.port, args.record, args.quiet)
    print(
        f"SMTP sink listening on 127.0.0.1:{args.port} (accepts and keeps nothing else)",
        flush=True,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.is_set():
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()
        print(
            f"SMTP sink stopped; accepted {len(_handler.accepted)} messages", flush=True
        )


if __name__ == "__main__":
    main()
