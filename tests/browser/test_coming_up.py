"""Issue 16 item 5: a member books an event and signs up for a campaign session;
both appear under "Coming up" on their portal home, soonest first, and nobody
else's do."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from campaigns.models import Session, Team
from tests import factories
from tests.browser.helpers import log_in
from tests.events.conftest import make_event


def test_booking_and_session_signup_appear_under_coming_up(phone_page, console, clp_a):
    page = phone_page
    user = factories.member_user(clp_a)
    make_event(clp_a, title="Summer barbecue")
    team = Team.objects.create(name="Saturday team", meeting_point="The clock tower")
    team.constituencies.set([clp_a])
    team.members.add(user.person)
    starts = timezone.now() + datetime.timedelta(days=3)
    Session.objects.create(
        team=team, starts=starts, ends=starts + datetime.timedelta(hours=1)
    )
    # Someone else's booking is not mine.
    other = make_event(clp_a, title="Someone else's quiz")
    factories.member_user(clp_a)  # noqa: F841 - a second member, booked nowhere
    page.goto("/me/")
    log_in(page, user)
    expect(page).to_have_url(re.compile(r"/me/$"))
    coming = page.get_by_role("region", name="Coming up")
    expect(coming).to_contain_text("Events and campaign sessions you sign up for")

    page.get_by_role("link", name="My events").first.click()
    page.locator(".card", has_text="Summer barbecue").get_by_role(
        "button", name="I'm coming"
    ).click()
    page.get_by_role("button", name="Menu", exact=True).click()  # folded on a phone
    page.get_by_role("link", name="My teams").first.click()
    page.get_by_role("button", name="I'll be there").first.click()

    page.goto("/me/")
    coming = page.get_by_role("region", name="Coming up")
    items = coming.get_by_role("listitem")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text("Saturday team session")  # in 3 days
    expect(items.nth(1)).to_contain_text("Summer barbecue")  # in 7 days
    expect(coming).not_to_contain_text(other.title)
    console.assert_no_csp_violations()
