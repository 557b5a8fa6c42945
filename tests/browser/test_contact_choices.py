"""Issue 16 item 13: "Change how we contact you" from an email opens on the
person's current choices; nothing that stops mail is chosen for them."""

from __future__ import annotations

from playwright.sync_api import expect

from partyhub.comms.consent import can_contact, consent_record
from partyhub.comms.models import Channel, Method
from partyhub.comms.rendering import UNSUBSCRIBE_PURPOSE
from partyhub.links import make_token
from tests import factories


def test_preferences_page_opens_on_current_choices(phone_page, console, clp_a):
    page = phone_page
    person = factories.PersonFactory(constituency=clp_a)
    for channel in (Channel.EMAIL, Channel.POST):
        consent_record(
            person=person, channel=channel, granted=True, method=Method.PORTAL,
            wording="test",
        )  # fmt: skip
    token = make_token(UNSUBSCRIBE_PURPOSE, person.pk, t="general", c=clp_a.pk)
    page.goto(f"/comms/u/{token}/")
    expect(page.get_by_label("Keep or change how you may be contacted")).to_be_checked()
    expect(page.get_by_label("Stop all email from the party")).not_to_be_checked()
    expect(page.get_by_label("Email", exact=True)).to_be_checked()
    expect(page.get_by_label("Post", exact=True)).to_be_checked()
    expect(page.get_by_label("Phone calls")).not_to_be_checked()

    page.get_by_role("button", name="Save my choice").click()  # saved as it opened
    expect(page.get_by_text("Your contact preferences are saved")).to_be_visible()
    assert can_contact(person, channel=Channel.EMAIL)
    assert can_contact(person, channel=Channel.POST)
    console.assert_no_csp_violations()
