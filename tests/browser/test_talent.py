"""A member on a phone who chairs the Women's Forum tells the party they speak
Welsh, then keeps the forum's members: invites one by email, removes another."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from members.models import ForumMembership, ForumOfficer, Interest, PersonInterest
from members.models.forums import Forum
from tests import factories
from tests.browser.helpers import log_in


def test_forum_chair_adds_a_skill_and_keeps_the_forum(phone_page, console, clp_a):
    page = phone_page
    welsh, _ = Interest.objects.get_or_create(
        name="Welsh", defaults={"kind": "language"}
    )
    user = factories.member_user(clp_a)
    forum = Forum.objects.create(name="Hodge Hill Women's Forum", kind="women")
    forum.constituencies.add(clp_a)
    ForumOfficer.objects.create(
        forum=forum,
        person=user.person,
        role="chair",
        starts=timezone.localdate() - datetime.timedelta(days=5),
        appointed_for=clp_a,
    )
    leaving = factories.MembershipFactory(
        person=factories.PersonFactory(
            constituency=clp_a, first_name="Lena", last_name="Leaving"
        )
    ).person
    ForumMembership.objects.create(forum=forum, person=leaving)
    joining = factories.MembershipFactory(
        person=factories.PersonFactory(
            constituency=clp_a, first_name="Jo", last_name="Joining"
        )
    ).person

    page.goto("/me/interests/")
    log_in(page, user)
    expect(page).to_have_url(re.compile(r"/me/interests/$"))
    page.locator("#id_interest").select_option(label="Welsh")
    page.get_by_label("Details (optional)").fill("Fluent, from Cardiff")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Saved")
    expect(page.get_by_text("Fluent, from Cardiff")).to_be_visible()
    held = PersonInterest.objects.get(person=user.person)
    assert held.interest == welsh and held.source == "self"

    menu = page.get_by_role("button", name="Menu", exact=True)
    if menu.is_visible():  # folded on a phone
        menu.click()
    page.get_by_role("link", name="My forums").first.click()
    page.get_by_role("link", name="Hodge Hill Women's Forum").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Hodge Hill Women's Forum"
    )
    expect(page.get_by_role("listitem").filter(has_text="Lena Leaving")).to_be_visible()
    # The same answer for a stranger and a member: Jo is invited, not enrolled.
    for email in ("nobody@example.org", joining.email):
        page.get_by_label("Email address or membership number").fill(email)
        page.get_by_role("button", name="Send an invitation").click()
        expect(page.get_by_role("alert")).to_contain_text(
            "we have emailed them an invitation"
        )
    assert list(forum.invitations.values_list("person", flat=True)) == [joining.pk]
    page.get_by_role("button", name="Remove Lena Leaving").click()
    expect(page.get_by_role("alert")).to_contain_text("no longer a member")
    assert not forum.memberships.exists()
    console.assert_no_csp_violations()
