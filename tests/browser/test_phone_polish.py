"""Issue 16 item 16 on a phone: the public event page says how many places are
left; the portal menu folds behind a Menu button and the page you are on is in
the party colour; the two-factor code field asks for the number pad."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from events.models import Booking, Event
from tests import factories
from tests.browser.helpers import TWO_FACTOR_URL, log_in
from tests.events.conftest import make_event, member


def test_places_left_portal_menu_and_code_field_on_a_phone(phone_page, console, clp_a):
    page = phone_page
    event = make_event(
        clp_a, title="Meet your MP", audience=Event.Audience.PUBLIC, capacity=3
    )
    Booking.objects.create(
        event=event, person=member(clp_a), status=Booking.Status.YES, guests=1,
        source=Booking.Source.PORTAL,
    )  # fmt: skip
    page.goto(f"/events/{event.pk}/")
    expect(page.get_by_text("1 place left")).to_be_visible()

    user = factories.member_user(clp_a)
    page.goto("/me/")
    log_in(page, user)
    expect(page).to_have_url(re.compile(r"/me/$"))
    menu = page.get_by_role("navigation", name="My account")
    expect(menu.get_by_role("link", name="My details")).to_be_hidden()
    menu.get_by_role("button", name="Menu").click()
    expect(menu.get_by_role("link", name="My details")).to_be_visible()
    current = menu.get_by_role("link", name="Overview")
    expect(current).to_have_attribute("aria-current", "page")
    expect(current).to_have_css("background-color", "rgb(200, 16, 46)")
    console.assert_no_csp_violations()


def test_two_factor_code_field_asks_for_the_number_pad(phone_page, clp_a):
    page = phone_page
    officer = factories.officer(clp_a, role="secretary")
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    form = page.locator("form", has=page.locator("input[name=login]"))
    form.locator("input[name=login]").fill(officer.email)
    form.locator("input[name=password]").fill(factories.PASSWORD)
    form.locator("[type=submit]").first.click()
    expect(page).to_have_url(TWO_FACTOR_URL)
    code = page.get_by_label("Code")
    expect(code).to_have_attribute("inputmode", "numeric")
    expect(code).to_have_attribute("autocomplete", "one-time-code")
