"""Issue 9's journey: a school governors network spanning two CLPs. A member of
each joins it in the portal and comments on its open consultation; the
co-ordinator drafts the network's submission and downloads it as a PDF and a Word
document, and both members' comments are in them."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from networks.models import (
    Consultation,
    Network,
    NetworkMembership,
    Section,
    Submission,
)
from tests import factories
from tests.browser.helpers import log_in
from tests.networks.conftest import pdf_text

COMMENT_A = "Admissions should stay with the local authority."
COMMENT_B = "Funding must follow need, not academy status."


def _join_and_comment(page, user, section_title: str, comment: str) -> None:
    page.goto("/networks/")
    log_in(page, user)
    expect(page.get_by_role("heading", level=1)).to_have_text("My networks")
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "You have joined School governors"
    )
    page.get_by_role("link", name="Schools White Paper").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Schools White Paper")
    section = page.locator(
        "section", has=page.get_by_role("heading", name=section_title)
    )
    section.get_by_label("Your comment on this section").fill(comment)
    section.get_by_role("button", name="Comment").click()
    expect(page.get_by_role("alert")).to_contain_text("your comment is recorded")
    expect(page.get_by_text(comment)).to_be_visible()


def test_two_clps_members_comment_and_the_coordinator_exports_both(
    new_page, console, clp_a, clp_b
):
    coordinator = factories.member_user(clp_a)
    network = Network.objects.create(
        name="School governors",
        topic="Education",
        description="Governors of local schools.",
    )
    network.constituencies.add(clp_a, clp_b)
    network.coordinators.add(coordinator.person)
    consultation = Consultation.objects.create(
        network=network,
        title="Schools White Paper",
        deadline=timezone.localdate() + datetime.timedelta(days=30),
    )
    Section.objects.create(consultation=consultation, number=1, title="Admissions")
    Section.objects.create(consultation=consultation, number=2, title="Funding")
    member_a = factories.member_user(clp_a)
    member_b = factories.member_user(clp_b)

    _join_and_comment(new_page(), member_a, "1. Admissions", COMMENT_A)
    _join_and_comment(new_page(), member_b, "2. Funding", COMMENT_B)
    assert (
        NetworkMembership.objects.filter(network=network, status="active").count() == 2
    )

    page = new_page()
    page.goto(f"/networks/consultations/{consultation.pk}/")
    log_in(page, coordinator)
    page.get_by_role("link", name="Draft the network's submission").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "The network's submission"
    )
    # The draft starts from the comments of both CLPs' members.
    expect(
        page.get_by_label("The network's response to 1. Admissions")
    ).to_contain_text(COMMENT_A)
    expect(page.get_by_label("The network's response to 2. Funding")).to_contain_text(
        COMMENT_B
    )
    page.get_by_label("Introduction").fill("The school governors network responds.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("alert")).to_contain_text("Draft saved")

    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Download as PDF").click()
    pdf = Path(pdf_download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert COMMENT_A in text and COMMENT_B in text

    with page.expect_download() as word_download:
        page.get_by_role("link", name="Download as Word document").click()
    assert word_download.value.suggested_filename.endswith(".doc")
    word = Path(word_download.value.path()).read_text()
    assert COMMENT_A in word and COMMENT_B in word

    page.get_by_role("button", name="Record as submitted today").click()
    expect(page.get_by_role("alert")).to_contain_text("recorded as sent")
    expect(page.get_by_text(re.compile("can no longer be changed"))).to_be_visible()
    submission = Submission.objects.get(consultation=consultation)
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.submitted_on == timezone.localdate()
    console.assert_no_csp_violations()
