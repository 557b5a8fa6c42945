"""Benchmark: a 100,000-row national export through the admin, as an officer does it.

Production-like: gunicorn (one sync worker: "the web process") with DEBUG off, a
Celery worker (one process) on Redis, PostgreSQL. An officer's browser is played
by http.client: the upload page (CSRF), the multipart POST of the file, the run's
page polled as htmx polls it until the check task is done, Apply, and the page
polled again until the apply task is done. Then the same file again (nothing
changes).

Reported per run: the upload POST, the check (preview) and the apply as the
officer waits for them, and the peak resident memory (VmHWM) of the gunicorn
worker and of the Celery worker process. Target (issue 20): the web process under
200 MB; issue 21: under 30 s first time, 10 s unchanged.

    .venv/bin/python bench/member_import_admin.py --rows 100000

Needs PostgreSQL and Redis; uses its own database partyhub_bench_import_admin and
the Redis databases given by BENCH_REDIS_URL / BENCH_CACHE_URL (flushed).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.member_import import (  # noqa: E402
    POSTCODES_PER_WARD,
    WARDS,
    make_export,
    postcode,
)

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = "partyhub_bench_import_admin"
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
CACHE = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/11")
QUEUE = "bench-import"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", int(os.environ.get("BENCH_PORT", "0"))))
        return s.getsockname()[1]


def peak_mb(pid: int) -> float:
    """Peak resident memory of a process (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for {pid}")


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.extend(int(p) for p in text)
    return found


class Browser:
    """Just enough of a browser: cookies, CSRF, multipart, htmx's header."""

    def __init__(self, port: int, session: str) -> None:
        self.port = port
        self.cookies = {"sessionid": session}

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(
            method, path, body=body, headers={"Cookie": cookie, **(headers or {})}
        )
        response = conn.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            parsed = SimpleCookie(header)
            self.cookies.update({k: m.value for k, m in parsed.items()})
        conn.close()
        return response, data

    def csrf(self) -> dict[str, str]:
        return {"X-CSRFToken": self.cookies["csrftoken"]}

    def upload(self, path: str, data: bytes, constituency: int) -> str:
        self.request("GET", path)
        boundary = uuid.uuid4().hex
        body = b"".join(
            [
                f"--{boundary}\r\nContent-Disposition: form-data; "
                f'name="constituency"\r\n\r\n{constituency}\r\n'.encode(),
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="export.csv"\r\nContent-Type: text/csv\r\n\r\n'.encode(),
                data,
                f"\r\n--{boundary}--\r\n".encode(),
            ]
        )
        response, text = self.request(
            "POST",
            path,
            body,
            {
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                **self.csrf(),
            },
        )
        if response.status != 302:
            raise SystemExit(f"upload answered {response.status}: {text[:2000]!r}")
        return response.headers["Location"]

    def wait(self, path: str, limit: float = 900) -> None:
        """Poll as htmx does until the page asks to be reloaded."""
        t0 = time.perf_counter()
        while True:
            response, _ = self.request("GET", path, headers={"HX-Request": "true"})
            if response.status != 200:
                raise SystemExit(f"{path} answered {response.status}")
            if response.headers.get("HX-Refresh") == "true":
                return
            if time.perf_counter() - t0 > limit:
                raise SystemExit(f"gave up waiting for {path}")
            time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()

    static_root = tempfile.mkdtemp(prefix="partyhub-bench-static-")
    import_dir = tempfile.mkdtemp(prefix="partyhub-bench-imports-")
    env = {
        **os.environ,
        "DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "partyhub.settings",
        "SECRET_KEY": "bench-only-" + "b" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"{PG}/{DB}",
        "REDIS_URL": REDIS,
        "CACHE_URL": CACHE,
        "CELERY_QUEUE": QUEUE,
        "STATIC_ROOT": static_root,
        "MEMBER_IMPORT_DIR": import_dir,
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    for sql in (f"DROP DATABASE IF EXISTS {DB}", f"CREATE DATABASE {DB}"):
        subprocess.run(["psql", PG + "/postgres", "-qc", sql], check=True)
    for url in (REDIS, CACHE):
        subprocess.run(
            ["redis-cli", "-u", url, "FLUSHDB"], check=True, capture_output=True
        )
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )

    import django

    django.setup()
    from allauth.mfa.models import Authenticator
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection

    from members.models import (
        Branch,
        Constituency,
        ImportRun,
        Membership,
        Postcode,
        Ward,
    )
    from partyhub.accounts.models import User

    clp = Constituency.objects.create(name="Bench Central", slug="bench-central")
    for w in range(WARDS):
        ward = Ward.objects.create(constituency=clp, name=f"Ward {w}")
        branch, _ = Branch.objects.get_or_create(
            constituency=clp, name=f"Branch {w // 2}"
        )
        branch.wards.add(ward)
        Postcode.objects.bulk_create(
            Postcode(postcode=postcode(w, n), ward=ward, constituency=clp)
            for n in range(POSTCODES_PER_WARD)
        )
    officer = User.objects.create_superuser(email="bench@example.org", password=None)
    Authenticator.objects.create(
        user=officer, type=Authenticator.Type.TOTP, data={"secret": "bench"}
    )
    session = SessionStore()
    session[SESSION_KEY] = str(officer.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = officer.get_session_auth_hash()
    session.create()
    connection.close()

    data = make_export(args.rows)
    print(f"export: {args.rows:,} rows, {len(data) / 1e6:.1f} MB")

    port = free_port()
    web = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "partyhub.wsgi",
         "-w", "1", "-b", f"127.0.0.1:{port}", "--timeout", "120",
         "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "partyhub", "worker", "-Q", QUEUE,
         "--concurrency=1", "--pool=prefork", "-l", "warning",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        browser = Browser(port, session.session_key)
        for _ in range(100):
            try:
                response, _ = browser.request("GET", "/admin/members/importrun/upload/")
                break
            except ConnectionRefusedError:
                time.sleep(0.2)
        assert response.status == 200, response.status
        time.sleep(3)  # the Celery worker's start-up is not part of the import
        (web_pid,) = children(web.pid)
        (worker_pid,) = children(worker.pid)
        print(f"web process at rest: {peak_mb(web_pid):.0f} MB peak so far")

        print("| run | rows | upload POST | check (preview) | apply | total | result |")
        for label in ("first import", "re-import unchanged"):
            t0 = time.perf_counter()
            page = browser.upload("/admin/members/importrun/upload/", data, clp.pk)
            t1 = time.perf_counter()
            browser.wait(page)
            t2 = time.perf_counter()
            response, html = browser.request("GET", page)
            if b"Apply this import" not in html:
                raise SystemExit(f"no Apply button: {html[:3000]!r}")
            pk = int(re.search(r"/importrun/(\d+)/", page).group(1))
            response, _ = browser.request(
                "POST", f"/admin/members/importrun/{pk}/apply/", b"",
                {"Content-Type": "application/x-www-form-urlencoded", **browser.csrf()},
            )  # fmt: skip
            assert response.status == 302, response.status
            browser.wait(page)
            t3 = time.perf_counter()
            run = ImportRun.objects.get(pk=pk)
            assert run.status == ImportRun.Status.APPLIED, (run.status, run.problem)
            counts = run.counts
            print(
                f"| {label} | {args.rows:,} | {t1 - t0:.1f} s | {t2 - t1:.1f} s | "
                f"{t3 - t2:.1f} s | **{t3 - t0:.1f} s** | new {counts['new']:,}, "
                f"changed {counts['changed']:,}, unchanged {counts['unchanged']:,} |"
            )
            connection.close()
        assert Membership.objects.count() == args.rows
        print(
            f"peak memory: web process (gunicorn worker) {peak_mb(web_pid):.0f} MB, "
            f"Celery worker process {peak_mb(worker_pid):.0f} MB; "
            f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
        )
    finally:
        for process in (web, worker):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)
        connection.close()


if __name__ == "__main__":
    main()
