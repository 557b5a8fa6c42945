"""Benchmark: the supporters' signup POST under gunicorn against PostgreSQL.

Production-like: DEBUG off, gunicorn (sync workers), PostgreSQL, the rate-limit
cache and the Celery broker on Redis. Every POST is a valid signup with a new
address: it passes the bot traps, takes the per-IP allowance (raised for the
bench), looks the postcode up, stores a SignupRequest and enqueues the
confirmation email on a queue no worker reads (bench-signup), so what is measured
is the web request itself.

Load is open-loop at a fixed rate: each of N client threads has its own schedule
and latency is measured from when a request was due, not when it was sent, so a
slow server cannot hide its queueing (no coordinated omission). Each client first
GETs the form once for its CSRF cookie and token; the form's time stamp is single
use, so each POST carries a fresh one made with the server's key.

    .venv/bin/python bench/signup_post.py --rate 60 --seconds 25

Uses its own database partyhub_bench_signup (dropped and created) and Redis db 13
(flushed). Loopback only. Prints one summary line for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = "partyhub_bench_signup"
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
STATIC_ROOT = str(Path(tempfile.gettempdir()) / "partyhub-bench-static")
FORM_PATH = "/supporters/join/bench-central/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SECRET_KEY = "bench-only-" + "b" * 50


def started_stamp() -> str:
    """A fresh single-use "form served at" stamp (partyhub.forms.started_token),
    made here with the bench server's key: a stamp from the form works once."""
    import secrets

    from django.core import signing

    signer = signing.TimestampSigner(
        key=SECRET_KEY, salt="partyhub.forms.started", fallback_keys=[]
    )
    return signer.sign_object({"t": time.time() - 10, "n": secrets.token_urlsafe(12)})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(sql: str, db: str = "postgres") -> str:
    return subprocess.run(
        ["psql", f"{PG}/{db}", "-qAtc", sql], check=True, capture_output=True, text=True
    ).stdout.strip()


def prepare(env: dict[str, str]) -> None:
    psql(f"DROP DATABASE IF EXISTS {DB}")
    psql(f"CREATE DATABASE {DB}")
    subprocess.run(
        ["redis-cli", "-u", REDIS, "FLUSHDB"], check=True, capture_output=True
    )
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    seed = (
        "from members.models import Constituency, Postcode, Ward\n"
        "c = Constituency.objects.create(name='Bench Central', slug='bench-central',"
        " postal_address='1 Bench Street')\n"
        "w = Ward.objects.create(constituency=c, name='Middle')\n"
        "Postcode.objects.create(postcode='B8 1AA', ward=w, constituency=c)\n"
    )
    subprocess.run([*manage, "shell", "-v0", "-c", seed], cwd=ROOT, env=env, check=True)


class Client(threading.Thread):
    def __init__(self, n: int, port: int, interval: float, start: float, end: float):
        super().__init__(daemon=True)
        self.n, self.port, self.interval = n, port, interval
        self.start_at, self.end = start, end
        self.latencies: list[float] = []
        self.errors: list[str] = []

    def _request(self, method: str, path: str, body: str = "", headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return (
                response.status,
                response.getheader("Set-Cookie") or "",
                response.read(),
            )
        finally:
            conn.close()

    def run(self) -> None:
        status, cookie, body = self._request("GET", FORM_PATH)
        if status != 200:
            self.errors.append(f"GET {status}")
            return
        csrf_cookie = re.search(r"csrftoken=([^;]+)", cookie).group(1)
        token = TOKEN.search(body.decode()).group(1)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_cookie}",
        }
        due, i = self.start_at, 0
        while due < self.end:
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            form = urllib.parse.urlencode(
                {
                    "csrfmiddlewaretoken": token,
                    "started": started_stamp(),
                    "first_name": "Bench",
                    "last_name": f"Client{self.n}",
                    "email": f"c{self.n}-{i}@bench.example.org",
                    "postcode": "b8 1aa",
                    "consent_email": "on",
                    "website": "",
                }
            )
            try:
                status, _, _ = self._request("POST", FORM_PATH, form, headers)
                if status != 302:
                    self.errors.append(f"POST {status}")
            except OSError as exc:
                self.errors.append(type(exc).__name__)
            self.latencies.append(time.perf_counter() - due)
            i += 1
            due += self.interval


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=60.0, help="requests per second")
    parser.add_argument("--seconds", type=float, default=25.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "partyhub.settings",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"{PG}/{DB}",
        "REDIS_URL": REDIS,
        "CACHE_URL": REDIS,
        "CELERY_QUEUE": "bench-signup",
        "STATIC_ROOT": STATIC_ROOT,
        "SUPPORTERS_SIGNUPS_PER_IP_PER_HOUR": "1000000",
        "SUPPORTERS_MIN_FILL_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
    }
    prepare(env)
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "partyhub.wsgi",
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        # Warm each worker (imports, DB connection) before the clock starts.
        for _ in range(args.workers * 3):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", FORM_PATH)
            conn.getresponse().read()
            conn.close()

        interval = args.clients / args.rate
        start = time.perf_counter() + 1.0
        end = start + args.seconds
        clients = [
            Client(n, port, interval, start + n * interval / args.clients, end)
            for n in range(args.clients)
        ]
        for client in clients:
            client.start()
        for client in clients:
            client.join()
        elapsed = max(end, time.perf_counter()) - start
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    latencies = sorted(x for c in clients for x in c.latencies)
    errors = [e for c in clients for e in c.errors]
    stored = int(psql("SELECT count(*) FROM supporters_signuprequest", DB))
    queued = subprocess.run(
        ["redis-cli", "-u", REDIS, "LLEN", "bench-signup"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    ms = 1000
    print(
        f"signup POST: {len(latencies)} requests in {elapsed:.1f} s = "
        f"{len(latencies) / elapsed:.1f} req/s (target {args.rate:g}), "
        f"p50 {percentile(latencies, 50) * ms:.0f} ms, "
        f"p95 {percentile(latencies, 95) * ms:.0f} ms, "
        f"p99 {percentile(latencies, 99) * ms:.0f} ms, "
        f"max {latencies[-1] * ms:.0f} ms, errors {len(errors)}"
        f"{' ' + str(sorted(set(errors))) if errors else ''}; "
        f"{stored} signups stored, {queued} confirmation tasks queued; "
        f"gunicorn -w {args.workers}, {args.clients} clients"
    )
    subprocess.run(
        ["redis-cli", "-u", REDIS, "FLUSHDB"], check=True, capture_output=True
    )


if __name__ == "__main__":
    main()
