"""A member on a phone looks after their own record in the portal: changes their
phone number and contact choices, and downloads their data."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

from playwright.sync_api import expect

from members.models import Person
from partyhub.audit.models import AuditEntry
from partyhub.comms.consent import current_consents
from partyhub.comms.models import Channel, ConsentEvent, Method
from tests import factories
from tests.browser.helpers import log_in


def test_member_changes_details_and_contact_choices_and_downloads_data(
    phone_page, console, clp_a
):
    page = phone_page
    user = factories.member_user(clp_a)
    person = user.person

    page.goto("/me/")
    log_in(page, user)
    expect(page).to_have_url(re.compile(r"/me/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(person.first_name)
    expect(page.get_by_text("Current", exact=True)).to_be_visible()

    page.get_by_role("link", name="My details").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My details")
    page.get_by_label("Phone", exact=True).fill("0121 496 0123")
    page.get_by_label("Weekends").check()
    page.get_by_role("button", name="Save my details").click()
    expect(page.get_by_role("alert")).to_contain_text("Your details are saved")

    page.goto("/me/")  # the menu is folded on a phone: from the overview
    page.get_by_role("link", name="How the party may contact me").first.click()
    page.get_by_label("The party may email me").check()
    page.get_by_label("The party may send me text messages").check()
    page.get_by_label("Email me about: The quarterly newsletter").uncheck()
    page.get_by_role("button", name="Save my choices").click()
    expect(page.get_by_role("alert")).to_contain_text("Your contact choices are saved")
    expect(page.get_by_label("The party may email me")).to_be_checked()

    page.goto("/me/")  # the menu is folded on a phone: from the overview
    page.get_by_role("link", name="My data").first.click()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download my data").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".zip")
    archive = zipfile.ZipFile(io.BytesIO(Path(download.path()).read_bytes()))
    data = json.loads(archive.read("data.json"))["sections"]
    assert data["person"][0]["phone"] == "0121 496 0123"
    assert {c["channel"] for c in data["consents"]} == {"Email", "Text message"}

    person = Person.objects.get(pk=person.pk)
    assert person.phone == "0121 496 0123"
    assert person.availability == "weekends"
    consents = current_consents(person)
    assert consents[(Channel.EMAIL, "")] is True
    assert consents[(Channel.TEXT, "")] is True
    assert consents[(Channel.EMAIL, "newsletter")] is False
    assert set(
        ConsentEvent.objects.filter(person=person).values_list("method", flat=True)
    ) == {Method.PORTAL}
    assert AuditEntry.objects.filter(action="person.update_own", actor=user).exists()
    assert AuditEntry.objects.filter(action="person.data_export", actor=user).exists()
    console.assert_no_csp_violations()
