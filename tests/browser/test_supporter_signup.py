"""A visitor joins the supporters' club on a phone, from the constituency's page to
the confirmed supporter, through the email link."""

from __future__ import annotations

import re

from django.core import mail
from playwright.sync_api import expect

from members.models import Postcode
from supporters.forms import CONSENT_WORDING
from supporters.models import HelpOffer, Supporter
from tests import factories


def test_visitor_joins_the_supporters_club_on_a_phone(
    phone_page, console, clp_a, clp_b, settings, eager_tasks
):
    page = phone_page
    # The live server runs in this process, so the setting applies to it: the
    # browser fills the form faster than a person would.
    settings.SUPPORTERS_MIN_FILL_SECONDS = 0
    ward = factories.WardFactory(constituency=clp_a, name="Washwood Heath")
    Postcode.objects.create(postcode="B8 1AA", ward=ward, constituency=clp_a)
    HelpOffer.objects.get_or_create(
        constituency=None,
        slug="poster",
        defaults={"label": "Display a poster in my window at election time"},
    )
    mail.outbox = []

    page.goto("/clp/hodge-hill/")
    page.get_by_role("link", name="Join our supporters' club").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Join the Hodge Hill supporters' club"
    )
    page.get_by_label("First name").fill("Grace")
    page.get_by_label("Last name").fill("Hopper")
    page.get_by_label("Email address").fill("grace@example.org")
    page.get_by_label("Postcode").fill("b8 1aa")
    page.get_by_label("Display a poster in my window").check()
    page.get_by_label(str(CONSENT_WORDING["email"])).check()
    page.get_by_role("button", name="Join the supporters' club").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+(/supporters/confirm/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    assert "Hodge Hill" in mail.outbox[0].body

    page.goto(link.group(1))
    assert not Supporter.objects.exists()  # opening the link changes nothing
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for joining")
    expect(page.get_by_role("status")).to_contain_text("Hodge Hill supporters' club")

    supporter = Supporter.objects.select_related("person").get()
    assert supporter.status == Supporter.Status.CONFIRMED
    assert supporter.constituency == clp_a
    assert supporter.person.ward == ward
    assert supporter.person.email == "grace@example.org"
    assert [o.slug for o in supporter.offers.all()] == ["poster"]
    console.assert_no_csp_violations()
    assert not console.page_errors


def test_join_form_fits_a_phone_screen(phone_page, console, clp_a):
    phone_page.goto("/supporters/join/hodge-hill/")
    width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375
    # The honeypot is out of sight and out of the accessibility tree.
    expect(phone_page.get_by_label("Leave this empty")).not_to_be_in_viewport()
    console.assert_no_csp_violations()
