"""The harness itself: Debian's Chromium, and CSP violations are caught."""

import subprocess

from tests.browser.conftest import CHROMIUM


def test_browser_is_debians_chromium(browser):
    version = subprocess.run(
        [str(CHROMIUM), "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert browser.version in version


def test_console_records_csp_violations(page, console, db):
    # A template with an inline style or script would be blocked by the policy;
    # inject both into a real page and check the harness notices.
    def inject(route):
        response = route.fetch()
        body = response.text().replace(
            "</body>",
            '<p style="color: red">x</p><script>document.title = "x"</script></body>',
        )
        route.fulfill(response=response, body=body)

    page.route("**/accounts/login/", inject)
    page.goto("/accounts/login/")

    violations = console.csp_violations
    assert any("style-src" in v for v in violations), console.messages
    assert any("script-src" in v for v in violations), console.messages
    console.clear()
    console.assert_no_csp_violations()
