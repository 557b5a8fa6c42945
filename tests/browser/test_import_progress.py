"""The national import's page while the worker checks the file (issue 20, finding
6): it says what is happening, htmx polls it without any script of ours (strict
CSP), and it shows the preview by itself when the check is done."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from members.imports.services import membership_import_check
from members.models import ImportRun, Postcode
from tests import factories
from tests.browser.helpers import log_in
from tests.members.imports.conftest import csv_bytes, row

pytestmark = pytest.mark.browser


def test_import_page_polls_until_the_worker_has_checked_the_file(
    page, console, tmp_path, monkeypatch
):
    # No worker here: the test does the worker's part when it chooses.
    monkeypatch.setattr(
        "members.imports.services.enqueue_on_commit", lambda task, *args: None
    )
    clp = factories.ConstituencyFactory(name="Hodge Hill", slug="hodge-hill")
    ward = factories.WardFactory(constituency=clp, name="North")
    Postcode.objects.create(postcode="B8 1AA", ward=ward, constituency=clp)
    officer = factories.officer(clp, role="membership_secretary")
    export = tmp_path / "export.csv"
    export.write_bytes(csv_bytes(row()))

    page.goto("/admin/members/importrun/upload/")
    log_in(page, officer)
    expect(page).to_have_url(re.compile(r"/admin/members/importrun/upload/$"))
    page.get_by_label("CSV file").set_input_files(export)
    page.get_by_role("button", name="Preview").click()
    expect(page).to_have_url(re.compile(r"/admin/members/importrun/\d+/preview/$"))
    expect(page.get_by_role("status")).to_contain_text("Checking the file")
    expect(page.get_by_role("button", name="Apply this import")).to_have_count(0)

    membership_import_check(run_id=ImportRun.objects.get().pk)

    expect(page.get_by_role("button", name="Apply this import").first).to_be_visible()
    expect(page.locator(".import-count-new")).to_have_text("1")
    console.assert_no_csp_violations()
