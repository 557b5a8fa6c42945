"""A member claims their account on a phone; an officer sets up two-factor
before the admin opens."""

import re

from django.core import mail
from playwright.sync_api import expect

from members.models import Person
from tests import factories
from tests.browser.helpers import log_in


def test_member_claims_account_on_a_phone(
    phone_page, console, clp_a, eager_tasks, settings
):
    settings.SUPPORTERS_MIN_FILL_SECONDS = 0  # the test types faster than a person
    page = phone_page
    person = factories.MembershipFactory(
        person=factories.PersonFactory(
            constituency=clp_a, first_name="Alice", email="alice@example.org"
        ),
        membership_number="A0000001",
    ).person
    mail.outbox.clear()

    page.goto("/accounts/claim/")
    page.get_by_label("Email address").fill("alice@example.org")
    page.get_by_label("Membership number (optional)").fill("A0000001")
    page.get_by_role("button", name="Send me a link").tap()
    expect(page).to_have_url(re.compile(r"/accounts/claim/sent/$"))
    expect(page.get_by_role("status")).to_contain_text(
        "If we know that address, we have sent it a link"
    )
    console.assert_no_csp_violations()

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+(/accounts/claim/link/\S+/)", mail.outbox[0].body)
    page.goto(link.group(1))
    expect(page.get_by_role("heading", name="Choose your password")).to_be_visible()
    page.get_by_label("Choose a password").fill("a-long-new-password-for-me")
    page.get_by_label("The same password again").fill("a-long-new-password-for-me")
    page.get_by_role("button", name="Set my password and log in").tap()
    # Issue 16 item 7: one welcome, on the portal's home page.
    expect(page).to_have_url(re.compile(r"/me/$"))
    welcome = page.get_by_text("your account is ready and you are logged in.")
    expect(welcome).to_have_count(1)
    expect(welcome).to_be_visible()
    console.assert_no_csp_violations()
    # No sideways scrolling on the phone.
    assert page.evaluate(
        "() => document.documentElement.scrollWidth <= window.innerWidth"
    )
    person.refresh_from_db()
    assert person.user is not None
    assert person.user.emailaddress_set.get().verified


def test_officer_sets_up_two_factor_before_the_admin(page, console, clp_a):
    officer = factories.officer(clp_a, two_factor=False)
    page.goto("/admin/")
    log_in(page, officer)
    # allauth asks for the password again before two-factor settings change
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    expect(page.get_by_text("must protect their login")).to_be_visible()
    page.locator("input[name=password]").fill(factories.PASSWORD)
    page.locator("form", has=page.locator("input[name=password]")).locator(
        "[type=submit]"
    ).first.click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    expect(
        page.get_by_role("img", name="QR code for your authenticator app")
    ).to_be_visible()
    console.assert_no_csp_violations()

    secret = page.locator("input[name=authenticator_secret]").input_value()
    page.locator("input[name=code]").fill(factories.totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    page.get_by_role("link", name="Continue to the admin").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("#site-name")).to_contain_text("partyhub")
    console.assert_no_csp_violations()
    assert Person.objects.get(user=officer).offices.exists()
