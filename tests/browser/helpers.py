"""Steps a journey takes through the real pages, as a person would."""

from __future__ import annotations

import re
import time
from typing import Any

from playwright.sync_api import expect

from tests import factories

LOGIN_URL = re.compile(r"/accounts/login/")
TWO_FACTOR_URL = re.compile(r"/accounts/2fa/authenticate/")


def log_in(page: Any, user: Any, password: str = factories.PASSWORD) -> None:
    """Fill in and submit the account login page the browser is on.

    Fields are found by name (allauth's `login` and `password`), not by label, so
    restyled templates and translated labels do not break every journey. When
    allauth asks for a two-factor code (officers), it is computed from the
    factories' authenticator secret.
    """
    expect(page).to_have_url(LOGIN_URL)
    form = page.locator("form", has=page.locator("input[name=login]"))
    form.locator("input[name=login]").fill(user.email)
    form.locator("input[name=password]").fill(password)
    form.locator("[type=submit]").first.click()
    expect(page).not_to_have_url(LOGIN_URL)
    if TWO_FACTOR_URL.search(page.url):
        enter_two_factor_code(page)


# The 30-second window whose code each secret last used: allauth refuses a code
# used once already, so a second login in the same window (the same officer on a
# phone) waits for the next code.
_USED_WINDOW: dict[str, int] = {}


def enter_two_factor_code(page: Any, secret: str = factories.TOTP_SECRET) -> None:
    # A code is good for its 30-second window only (no tolerance): on a busy
    # machine, one typed in the window's last seconds can arrive after it ends.
    left = 30 - time.time() % 30
    if left < 8 or _USED_WINDOW.get(secret) == int(time.time() // 30):
        time.sleep(left + 0.5)
    _USED_WINDOW[secret] = int(time.time() // 30)
    form = page.locator("form", has=page.locator("input[name=code]"))
    form.locator("input[name=code]").fill(factories.totp_code(secret))
    form.locator("[type=submit]").first.click()
    expect(page).not_to_have_url(TWO_FACTOR_URL)
