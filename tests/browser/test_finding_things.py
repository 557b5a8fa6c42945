"""Issue 16 items 1 and 3: a visitor finds the way in from the home page, and a
constituency page lists what they can come to, sign and answer — only that
constituency's, and only what is public and open."""

from __future__ import annotations

import datetime
import re

from playwright.sync_api import expect

from campaigns.models import Petition, Survey, Team
from events.models import Event
from tests.events.conftest import make_event


def test_visitor_finds_events_petitions_surveys_and_teams_from_the_home_page(
    page, console, clp_a, clp_b
):
    make_event(clp_a, title="Meet your MP", audience=Event.Audience.PUBLIC)
    make_event(clp_a, title="Members' AGM", audience=Event.Audience.MEMBERS)
    make_event(
        clp_a,
        title="Draft picnic",
        audience=Event.Audience.PUBLIC,
        status=Event.Status.DRAFT,
    )
    make_event(clp_b, title="Reading quiz", audience=Event.Audience.PUBLIC)
    Petition.objects.create(
        constituency=clp_a,
        slug="save-the-library",
        title="Save Hodge Hill library",
        text="Keep it open.",
        status=Petition.Status.OPEN,
    )
    Petition.objects.create(
        constituency=clp_a, slug="old", title="An old petition", text="x",
        status=Petition.Status.CLOSED,
    )  # fmt: skip
    Survey.objects.create(
        constituency=clp_a, slug="buses", title="Your buses",
        status=Survey.Status.OPEN,
    )  # fmt: skip
    team = Team.objects.create(
        name="Saturday team", weekday=5, start_time=datetime.time(10, 0),
        meeting_point="The clock tower",
    )  # fmt: skip
    team.constituencies.set([clp_a])

    page.goto("/")
    expect(page.get_by_role("link", name="Join the Labour Party")).to_be_visible()
    expect(
        page.get_by_role("link", name="Get involved as a supporter")
    ).to_have_attribute("href", "/supporters/join/")
    page.get_by_role("link", name="Hodge Hill").click()

    events = page.get_by_role("region", name="Upcoming events")
    expect(events.get_by_role("link", name="Meet your MP")).to_be_visible()
    expect(events).not_to_contain_text("Members' AGM")
    expect(events).not_to_contain_text("Draft picnic")
    expect(events).not_to_contain_text("Reading quiz")
    expect(
        events.get_by_role("link", name="Add our events to your calendar")
    ).to_have_attribute("href", "/events/clp/hodge-hill/events.ics")
    petitions = page.get_by_role("region", name="Petitions you can sign")
    expect(petitions.get_by_role("link")).to_have_text(["Save Hodge Hill library"])
    surveys = page.get_by_role("region", name="Tell us what you think")
    expect(surveys.get_by_role("link", name="Your buses")).to_be_visible()
    teams = page.get_by_role("region", name="Campaign teams you can join")
    expect(teams).to_contain_text("Saturdays at 10")
    expect(teams).to_contain_text("The clock tower")

    events.get_by_role("link", name="Meet your MP").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meet your MP")
    page.go_back()
    page.get_by_role("link", name="Save Hodge Hill library").click()
    expect(page).to_have_url(re.compile(r"/save-the-library/$"))

    page.goto("/clp/reading-west/")
    expect(page.get_by_role("region", name="Upcoming events")).to_contain_text(
        "Reading quiz"
    )
    expect(page.get_by_role("region", name="Petitions you can sign")).to_have_count(0)
    console.assert_no_csp_violations()
