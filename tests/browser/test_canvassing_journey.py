"""Issue 22's journey, tried as a new user would.

A canvass lead (a member the CLP appointed; no office) imports the register of
four polling districts, makes walks for one district and prints them (the imprint
on every page); two canvassers record returns on phones at once, one of them
offline for a while, and nothing is lost or counted twice; the ward's contact
rate moves; on polling day, marking voters from the tellers' numbers shrinks the
knock-up list.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from canvassing.models import CanvassLead, DoorstepReturn, Elector, Imprint
from tests import factories
from tests.browser.conftest import PHONE
from tests.browser.helpers import log_in
from tests.canvassing.conftest import register_csv

DISTRICTS = ["HA1", "HA2", "HA3", "HA4"]


def _district_file(tmp_path, code: str, n: int):
    rows = []
    for i in range(1, n + 1):
        house = (i + 1) // 2
        rows.append([str(i), f"{code}Surname{i}", "Al", f"{house} {code} Road", "",
                     "B8 1AA", "P" if i % 6 == 0 else ""])  # fmt: skip
    path = tmp_path / f"{code}.csv"
    path.write_bytes(register_csv(rows))
    return path


def _lead(clp):
    user = factories.member_user(clp)
    CanvassLead.objects.create(constituency=clp, person=user.person)
    return user


def _answer(page, index: int, label: str) -> None:
    form = page.locator("form.ph-return").nth(index)
    form.locator("label", has_text=label).click()
    form.get_by_role("button", name=re.compile("^Save")).click()


def test_a_lead_imports_prints_walks_canvasses_and_knocks_up(
    new_page, console, clp_a, tmp_path
):
    ward = factories.WardFactory(constituency=clp_a, name="Shard End")
    Imprint.objects.create(
        constituency=clp_a,
        promoter="Pat Agent",
        on_behalf_of="Sam Candidate",
        address="1 Party House, Birmingham B8 1AA",
    )
    lead, canvasser = _lead(clp_a), _lead(clp_a)

    page = new_page()
    page.goto("/canvassing/")
    log_in(page, lead)
    expect(page.get_by_role("heading", name="Canvassing in Hodge Hill")).to_be_visible()
    for code in DISTRICTS:
        page.get_by_label("Polling district code").fill(code)
        page.get_by_label("Ward", exact=True).select_option(label="Shard End")
        page.get_by_label("CSV file from electoral services").set_input_files(
            _district_file(tmp_path, code, 300)
        )
        page.get_by_role("button", name="Import").click()
        expect(page.get_by_text(f"District {code} imported: 300 added")).to_be_visible()
    assert Elector.objects.count() == 1200

    page.get_by_label("Polling district", exact=True).select_option(label="HA1")
    page.get_by_label("Doors in each walk").fill("40")
    page.get_by_role("button", name="Make walks").click()
    expect(page.get_by_text("4 walks made.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Print these walks (PDF)").click()
    pdf = Path(download.value.path()).read_bytes()
    pages = len(re.findall(rb"/Type /Page\b(?!s)", pdf))
    assert pages >= 4
    assert pdf.count(b"Promoted by Pat Agent on behalf of Sam Candidate") == pages
    walk_url = page.get_by_role("link", name=re.compile("HA1 walk 1")).get_attribute(
        "href"
    )

    # Two canvassers on phones at once; the second loses the signal for a while.
    phone_a = new_page(**PHONE)
    phone_a.goto(walk_url)
    log_in(phone_a, lead)
    phone_a.goto(walk_url)
    phone_b = new_page(**PHONE)
    phone_b.goto(walk_url)
    log_in(phone_b, canvasser)
    phone_b.goto(walk_url)
    expect(phone_b.get_by_role("status")).to_have_text("Every answer is sent.")

    phone_b.context.set_offline(True)
    _answer(phone_b, 4, "Our party")
    _answer(phone_b, 5, "Undecided")
    expect(phone_b.get_by_role("status")).to_contain_text("Answers waiting to send: 2")
    _answer(phone_a, 0, "Our party")
    _answer(phone_a, 1, "Our party")
    _answer(phone_a, 2, "Not in")
    expect(phone_a.get_by_role("status")).to_have_text("Every answer is sent.")
    assert DoorstepReturn.objects.count() == 3
    phone_b.context.set_offline(False)
    phone_b.evaluate("window.dispatchEvent(new Event('online'))")
    expect(phone_b.get_by_role("status")).to_have_text("Every answer is sent.")
    assert DoorstepReturn.objects.count() == 5
    # Opening the page again sends nothing twice.
    phone_b.reload()
    expect(phone_b.get_by_role("status")).to_have_text("Every answer is sent.")
    assert DoorstepReturn.objects.count() == 5

    page.get_by_role("link", name="Results").click()
    ward_row = page.get_by_role("row", name=re.compile("^Shard End"))
    expect(ward_row).to_contain_text("1200")
    expect(ward_row).to_contain_text("4")  # spoken to (not counting "not in")
    assert ward.polling_districts.count() == 4

    page.get_by_role("link", name="Polling day").click()
    expect(page.get_by_text("3 supporters have not voted yet")).to_be_visible()
    page.get_by_label("Polling district").select_option(label="HA1")
    page.get_by_label("Elector numbers that have voted").fill("1, 2")
    page.get_by_role("button", name="Mark as voted").click()
    expect(page.get_by_text("2 marked as voted.")).to_be_visible()
    expect(page.get_by_text("1 supporter has not voted yet")).to_be_visible()
    console.assert_no_csp_violations()
