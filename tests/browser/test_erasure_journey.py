"""A member asks for erasure in the portal; the secretary reviews it in the admin,
keeps the membership with a reason and approves; after the worker runs the request
shows what was done, and the member can no longer log in."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from members.models import Membership, Person
from partyhub.personal_data.models import DataRequest
from partyhub.personal_data.services import erasure_carry_out
from tests import factories
from tests.browser.helpers import log_in


def test_member_asks_officer_approves_and_the_request_shows_what_was_done(
    page, console, clp_a
):
    officer = factories.officer(clp_a, role="secretary")
    member = factories.member_user(clp_a)
    person = member.person
    person.first_name, person.last_name = "Ysolde", "Erasewell"
    person.save()

    page.goto("/me/data/")
    log_in(page, member)
    page.get_by_role("button", name="Ask for my data to be erased").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your erasure request")
    console.assert_no_csp_violations()
    request = DataRequest.objects.get()

    page.context.clear_cookies()
    page.goto(f"/admin/personal_data/datarequest/{request.pk}/change/")
    log_in(page, officer)
    page.get_by_role("link", name="Review and approve the erasure").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ysolde Erasewell")
    row = page.locator("tr", has_text="Memberships")
    row.get_by_label("keep", exact=True).check()
    row.get_by_label("Reason for keeping").fill("The national party holds it")
    page.get_by_role("button", name="Approve and erase").click()
    expect(page.locator(".messagelist")).to_contain_text("Approved")
    console.assert_no_csp_violations()

    assert erasure_carry_out(request_id=request.pk) is True  # the worker
    page.reload()
    expect(page.locator("#content")).to_contain_text("The national party holds it")
    expect(page.locator("#content")).to_contain_text("Done")
    console.assert_no_csp_violations()
    person.refresh_from_db()
    assert person.erased_at is not None and "Erasewell" not in str(person)
    assert Membership.objects.filter(person=person).exists()
    assert not Person.objects.filter(last_name="Erasewell").exists()

    page.context.clear_cookies()
    page.goto("/me/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    form = page.locator("form", has=page.locator("input[name=login]"))
    form.locator("input[name=login]").fill(member.email)
    form.locator("input[name=password]").fill(factories.PASSWORD)
    form.locator("[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/accounts/"))
    expect(page.locator("body")).not_to_contain_text("Ysolde")
