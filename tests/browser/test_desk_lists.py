"""The renewal desk's lists are a row of links at the top of the page, and the
desk fits a laptop screen (issue 16, item 14)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.helpers import log_in
from tests.members.desk.conftest import new_member

pytestmark = pytest.mark.browser

DESK = "/admin/members/deskmembership/"


def test_desk_lists_at_the_top_and_columns_on_a_laptop_screen(page, console):
    clp = factories.ConstituencyFactory(name="Hodge Hill", slug="hodge-hill")
    secretary = factories.officer(clp, role="secretary")
    new_member(
        clp, first_name="Nadia", last_name="Newjoiner", email="nadia@example.org"
    )
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(DESK)
    log_in(page, secretary)
    expect(page).to_have_url(re.compile(r"/admin/members/deskmembership/"))
    lists = page.get_by_role("navigation", name="Lists")
    new = lists.get_by_role("link", name=re.compile(r"^New members \(last"))
    expect(new).to_have_attribute("aria-current", "page")
    row = page.locator("#result_list tbody tr", has_text="Newjoiner")
    expect(row).to_have_count(1)
    expect(row.locator("td.field-reach")).to_have_text("email")
    # Last contact, mentor and how to reach them without scrolling sideways.
    for column in ("last_contact", "mentor", "reach"):
        box = page.locator(f"#result_list th.column-{column}").bounding_box()
        assert box is not None and box["x"] + box["width"] <= 1280, column
    lists.get_by_role("link", name=re.compile(r"^In arrears")).click()
    expect(page).to_have_url(re.compile(r"list=arrears"))
    expect(page.locator("#result_list tbody tr", has_text="Newjoiner")).to_have_count(0)
    page.get_by_role("navigation", name="Lists").get_by_role(
        "link", name=re.compile(r"^New members \(last")
    ).click()
    expect(page.locator("#result_list tbody tr", has_text="Newjoiner")).to_have_count(1)
    console.assert_no_csp_violations()


def test_desk_templated_email_is_read_before_it_is_sent(page, console):
    """Issue 16 item 11: a templated email is previewed before the officer sends it."""
    from partyhub.comms.models import Reminder

    clp = factories.ConstituencyFactory(name="Hodge Hill", slug="hodge-hill")
    secretary = factories.officer(clp, role="secretary")
    new_member(
        clp, first_name="Nadia", last_name="Newjoiner", email="nadia@example.org"
    )
    page.goto(DESK)
    log_in(page, secretary)
    row = page.locator("#result_list tbody tr", has_text="Newjoiner")
    row.locator("input[name=_selected_action]").check()
    page.locator("select[name=action]").select_option(
        label="Send a templated email to the selected"
    )
    page.locator("button[name=index], input[name=index]").first.click()
    samples = page.get_by_role("region", name="What each email says")
    samples.get_by_text("Please renew your membership", exact=True).click()
    expect(samples).to_contain_text("Hello Nadia,")
    assert not Reminder.objects.filter(kind__startswith="members.desk.").exists()
    console.assert_no_csp_violations()
