"""An officer logs in and finds a member of their constituency, and only theirs."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.helpers import log_in


@pytest.fixture
def cast(clp_a, clp_b):
    """The secretary of A, Alice (a member in A) and Bob (a member in B)."""
    officer = factories.officer(clp_a, role="secretary")
    factories.MembershipFactory(
        person=factories.PersonFactory(
            constituency=clp_a, first_name="Alice", last_name="Aardvark"
        ),
        membership_number="A0000001",
    )
    factories.MembershipFactory(
        person=factories.PersonFactory(
            constituency=clp_b, first_name="Bob", last_name="Bandicoot"
        ),
        membership_number="B0000001",
    )
    return officer


def _search_people(page, console, words):
    search = page.locator("#searchbar")
    search.fill(words)
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/admin/members/person/\?q="))
    console.assert_no_csp_violations()


def _officer_finds_alice_not_bob(page, console, officer, *, touch=False):
    def press(locator):
        locator.tap() if touch else locator.click()

    page.goto("/admin/")
    log_in(page, officer)  # asserts the admin sent us to the login page
    expect(page).to_have_url(re.compile(r"/admin/$"))
    console.assert_no_csp_violations()  # the login page and the officers' home

    press(page.get_by_role("link", name="Everything in the admin, by task"))
    press(page.locator("#content").get_by_role("link", name="People", exact=True))
    expect(page).to_have_url(re.compile(r"/admin/members/person/$"))
    console.assert_no_csp_violations()

    _search_people(page, console, "Aardvark")
    results = page.locator("#result_list tbody tr")
    expect(results).to_have_count(1)
    expect(results).to_contain_text("Alice")

    press(results.get_by_role("link", name="Aardvark"))
    expect(page).to_have_url(re.compile(r"/admin/members/person/\d+/change/"))
    expect(page.get_by_role("heading", name="Alice Aardvark")).to_be_visible()
    expect(page.locator("#content")).to_contain_text("A0000001")
    console.assert_no_csp_violations()

    page.goto("/admin/members/person/")
    _search_people(page, console, "Bandicoot")
    expect(page.locator("#result_list")).to_have_count(0)
    expect(page.locator("#changelist")).to_contain_text("0 people")
    expect(page.locator("#changelist")).not_to_contain_text("Bob")


def test_officer_finds_member_of_their_constituency(page, console, cast):
    _officer_finds_alice_not_bob(page, console, cast)


def test_officer_finds_member_on_a_phone(phone_page, console, cast):
    _officer_finds_alice_not_bob(phone_page, console, cast, touch=True)

    # Usable on a phone: the page itself never scrolls sideways (a wide results
    # table scrolls inside its own box), and the search box is within reach.
    for path in ("/admin/", "/admin/members/person/?q=Aardvark"):
        phone_page.goto(path)
        width = phone_page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 375, f"{path} is {width}px wide on a 375px screen"
    box = phone_page.locator("#searchbar").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
    console.assert_no_csp_violations()


def test_member_without_office_does_not_get_the_admin(page, console, clp_a):
    member = factories.member_user(clp_a)
    page.goto("/accounts/login/")
    log_in(page, member)

    response = page.goto("/admin/")
    assert response is not None and response.status == 403
    expect(page.locator("#result_list")).to_have_count(0)
    expect(page.get_by_role("link", name="People")).to_have_count(0)
    console.assert_no_csp_violations()


def test_officer_chooses_a_team_by_typing_and_never_sees_another_clps(
    page, console, cast, clp_a, clp_b
):
    """Issue 13.4 / 16.10: related records are chosen by search-as-you-type over
    the officer's own records; no id box, no pop-up."""
    import datetime

    from campaigns.models import Team

    for name, clp in (("Alum Rock canvass", clp_a), ("Reading canvass", clp_b)):
        team = Team.objects.create(
            name=name,
            weekday=5,
            start_time=datetime.time(10, 0),
            duration_minutes=60,
            meeting_point="The clock tower",
        )
        team.constituencies.set([clp])
    page.goto("/admin/campaigns/session/add/")
    log_in(page, cast)
    expect(page).to_have_url(re.compile(r"/admin/campaigns/session/add/"))
    expect(page.locator("input.vForeignKeyRawIdAdminField")).to_have_count(0)
    page.locator(".field-team .select2-selection").click()
    search = page.locator(".select2-search__field")
    search.fill("canvass")
    options = page.locator(".select2-results__option")
    expect(options.filter(has_text="Alum Rock canvass")).to_have_count(1)
    expect(page.locator(".select2-results")).not_to_contain_text("Reading")
    options.filter(has_text="Alum Rock canvass").click()
    expect(page.locator(".field-team .select2-selection")).to_contain_text(
        "Alum Rock canvass"
    )
    console.assert_no_csp_violations()


def test_officer_writes_merge_fields_and_previews_the_email_per_recipient(
    page, console, clp_a
):
    """Issue 16 item 12: {first_name}, {constituency} and {ward} are filled per
    recipient and previewed as one chosen recipient gets it; a misspelt {field}
    is refused where it was typed, so it is never sent."""
    from members.models import Membership
    from partyhub.comms.models import Message, Segment
    from tests.comms.conftest import grant_email

    officer = factories.officer(clp_a, role="secretary")
    ward = factories.WardFactory(constituency=clp_a, name="Washwood Heath")
    for first, last in [("Ada", "Adams"), ("Bob", "Brown")]:
        person = factories.PersonFactory(
            constituency=clp_a, ward=ward, first_name=first, last_name=last
        )
        factories.MembershipFactory(person=person)
        grant_email(person)
    segment = Segment.objects.create(
        constituency=clp_a,
        name="Current members",
        criteria={"member_status": [Membership.Status.CURRENT]},
    )
    message = Message.objects.create(
        constituency=clp_a, segment=segment, subject="Quiz night", body="Come along."
    )

    page.goto(f"/admin/comms/message/{message.pk}/change/")
    log_in(page, officer)
    page.get_by_label("Subject").fill("{first_name}, a quiz in {ward}")
    page.get_by_label(re.compile(r"^Message:?$")).fill("Dear {frist_name}, come along.")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".errorlist")).to_contain_text(
        "{frist_name} is not a merge field we can fill in"
    )
    page.get_by_label(re.compile(r"^Message:?$")).fill("Dear {first_name}, come along.")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".errorlist")).to_have_count(0)

    page.get_by_role("link", name="Send now…").click()
    expect(
        page.get_by_role("heading", name="Send “{first_name}, a quiz in {ward}” to 2")
    ).to_be_visible()
    page.get_by_role("link", name="See it as each recipient gets it").click()
    headers = page.locator(".comms-headers")
    expect(headers).to_contain_text("Ada, a quiz in Washwood Heath")  # first by name
    page.get_by_label("Show it as this person gets it").select_option(
        label="Bob Brown (Washwood Heath)"
    )
    page.get_by_role("button", name="Show", exact=True).click()
    expect(headers).to_contain_text("Bob, a quiz in Washwood Heath")
    expect(page.locator(".comms-email-text")).to_contain_text("Dear Bob, come along.")
    expect(page.locator(".comms-email-text")).not_to_contain_text("{first_name}")
    console.assert_no_csp_violations()
