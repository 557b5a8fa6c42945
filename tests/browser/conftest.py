"""The browser harness: pytest drives Debian's Chromium through Playwright against
pytest-django's live server.

Playwright never downloads a browser of its own (never run `playwright install`):
it launches /usr/bin/chromium, and without it every browser test is skipped with
the reason — except under CI (CI=true, as .ci/run sets), where a missing Chromium
fails them: CI never passes with its browser tests quietly skipped. Everything under tests/browser is marked `browser`, so
`pytest -m "not browser"` leaves these out.

Fixtures:
- `page`: a fresh browser context (cookies, storage) per test, desktop-sized;
- `phone_page`: the same on a 375x740 touch screen;
- `new_page(**context_args)`: any other viewport, locale or device;
- `console`: the console messages and page errors of every page the test opened,
  with `console.assert_no_csp_violations()`.

When a test that opened a page fails, each page is saved as a full-page screenshot
in tests/artifacts/<test name>.png (gitignored) and the path is printed with the
failure. A test that leaves a Content-Security-Policy violation unasserted fails at
teardown: the app's policy forbids inline scripts and styles, and a template that
breaks it looks fine in the Django test client.
"""

from __future__ import annotations

import os

# Playwright's sync API runs an event loop in the main thread; Django then refuses
# ORM calls from "async context" in the test body and fixtures. No coroutine of
# ours touches the database, so the guard only gets in the way here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import re
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
DEFAULT_TIMEOUT_MS = 10_000
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {
    "viewport": {"width": 375, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}

_HERE = Path(__file__).resolve().parent
_PAGES = pytest.StashKey[list]()
_REPORTS = pytest.StashKey[dict]()


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    for item in items:
        if _HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


# --- The browser ---------------------------------------------------------------


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        missing = (
            f"{CHROMIUM} not found: install Debian's chromium: apt-get install chromium"
        )
        if _in_ci():
            # CI must run what it claims to: a skipped browser suite is a failure.
            pytest.fail(f"CI=true and {missing}", pytrace=False)
        pytest.skip(missing)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


# --- Console and Content-Security-Policy ------------------------------------------


@dataclass
class Console:
    """Console messages and uncaught errors of the pages a test opened."""

    messages: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    _pages: list[Any] = field(default_factory=list, repr=False)

    def watch(self, page: Any) -> None:
        self._pages.append(page)
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.page_errors.append(f"{page.url}: {exc}"))

    def _on_console(self, msg: Any) -> None:
        self.messages.append(
            f"[{msg.type}] {msg.page.url if msg.page else ''}: {msg.text}"
        )

    @property
    def errors(self) -> list[str]:
        return [m for m in self.messages if m.startswith("[error]")]

    @property
    def csp_violations(self) -> list[str]:
        self._flush()
        return [m for m in self.messages if "Content Security Policy" in m]

    def assert_no_csp_violations(self) -> None:
        violations = self.csp_violations
        assert not violations, "Content-Security-Policy violations:\n" + "\n".join(
            violations
        )

    def clear(self) -> None:
        """Forget what was recorded (after asserting an expected violation)."""
        self.messages.clear()
        self.page_errors.clear()

    def _flush(self) -> None:
        # Console events arrive over the same ordered channel as replies: one round
        # trip to each page delivers every message the page logged before it.
        from playwright.sync_api import Error

        for page in self._pages:
            if page.is_closed():
                continue
            try:
                page.wait_for_load_state("load")
                page.evaluate("() => document.readyState")
            except Error:
                # Mid-navigation: the next check (or teardown's) sees the rest.
                pass


@pytest.fixture
def console() -> Console:
    return Console()


# --- Pages -------------------------------------------------------------------------


@pytest.fixture
def new_page(
    request: pytest.FixtureRequest,
    browser: Any,
    live_server: Any,
    transactional_db: None,
    console: Console,
) -> Iterator[Callable[..., Any]]:
    """Open a page in a fresh context; keyword arguments go to new_context().

    Relative URLs (page.goto("/admin/")) resolve against the live server.
    `transactional_db`: the server thread only sees committed rows.
    """
    contexts: list[Any] = []
    pages: list[Any] = request.node.stash.setdefault(_PAGES, [])

    def open_page(**context_args: Any) -> Any:
        context = browser.new_context(
            base_url=live_server.url, **{**DESKTOP, **context_args}
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        console.watch(page)
        pages.append(page)
        return page

    yield open_page

    violations = [] if _failed(request.node) else console.csp_violations
    for context in contexts:
        context.close()
    if violations:
        pytest.fail(
            "Content-Security-Policy violations the test did not assert:\n"
            + "\n".join(violations)
        )


@pytest.fixture
def page(new_page: Callable[..., Any]) -> Any:
    return new_page()


@pytest.fixture
def phone_page(new_page: Callable[..., Any]) -> Any:
    return new_page(**PHONE)


# --- Screenshots on failure ------------------------------------------------------------


def _failed(item: pytest.Item) -> bool:
    reports = item.stash.get(_REPORTS, {})
    return any(r.failed for r in reports.values())


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    pages = item.stash.get(_PAGES, [])
    if report.failed and report.when in ("setup", "call") and pages:
        paths = []
        for number, page in enumerate(pages):
            if page.is_closed():
                continue
            path = _screenshot_path(item.name, number)
            try:
                page.screenshot(path=str(path), full_page=True)
            except Exception as exc:  # a crashed page must not hide the failure
                paths.append(f"{page.url}: no screenshot ({exc})")
            else:
                paths.append(f"{page.url}\n  -> {path}")
        if paths:
            report.sections.append(("browser screenshots", "\n".join(paths)))
    return report


def _screenshot_path(test_name: str, number: int) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", test_name).strip("_")
    suffix = f"-{number + 1}" if number else ""
    return ARTIFACTS / f"{name}{suffix}.png"
