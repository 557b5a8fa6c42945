"""The treasurer's side, as a new treasurer would use it (issue 18): a £1,000
donation from a member cannot be accepted until the permissibility check is
recorded; a second £1,500 from the same donor later that year appears in the
quarter's report as aggregated; a company donor without a company number is
refused; a social's ticket income and costs show its profit; the year-end summary
adds up."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import expect

from finance import services
from finance.models import Donation, Entry
from tests import factories
from tests.browser.helpers import log_in
from tests.events.conftest import make_event

D = datetime.date


def _choose(page, where: str, typed: str, option: str) -> None:
    """Pick a record in an admin search-as-you-type box."""
    page.locator(f"{where} .select2-selection").click()
    page.locator(".select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=option).first.click()


def test_finance_journey(page, console, clp_a):
    treasurer = factories.officer(clp_a, role="treasurer")
    dora = factories.PersonFactory(constituency=clp_a, first_name="Dora",
                                   last_name="Donne")  # fmt: skip
    factories.MembershipFactory(person=dora)
    year = 2026

    # The donor: a member.
    page.goto("/admin/finance/donor/add/")
    log_in(page, treasurer)
    expect(page).to_have_url(re.compile(r"/admin/finance/donor/add/$"))
    page.get_by_label("Donor type").select_option(label="Individual")
    _choose(page, ".field-person", "Donne", "Dora Donne")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was added successfully")).to_be_visible()

    # A company without its number is refused, next to the field.
    page.goto("/admin/finance/donor/add/")
    page.get_by_label("Donor type").select_option(label="Company")
    page.get_by_label("Organisation name").fill("Acme Widgets Ltd")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".field-company_number .errorlist")).to_contain_text(
        "company number"
    )
    console.assert_no_csp_violations()

    # £1,000 from the member.
    page.goto("/admin/finance/donation/add/")
    _choose(page, ".field-donor", "Donne", "Dora Donne")
    page.get_by_label("Amount or value (£)").fill("1000.00")
    page.get_by_label("Method").select_option(label="Bank transfer")
    page.get_by_label("Received on").fill(f"{year}-02-10")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was added successfully")).to_be_visible()
    page.locator("#result_list a", has_text="10 Feb").first.click()

    # It cannot be accepted before the check.
    page.get_by_role("link", name="Accept").click()
    page.get_by_label("Accepted on").fill(f"{year}-02-12")
    page.get_by_role("button", name="Accept the donation").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "cannot be accepted until its permissibility check is recorded"
    )
    donation = Donation.objects.get()
    assert donation.accepted_on is None

    # The check, with where it was done; then it is accepted.
    page.goto(f"/admin/finance/donation/{donation.pk}/change/")
    page.get_by_role("link", name="Record the permissibility check").click()
    page.get_by_label("Permissible", exact=True).check()
    page.get_by_label("Where and how you checked").fill(
        "Birmingham City Council electoral register, checked online 11 Feb"
    )
    page.get_by_label("Checked on").fill(f"{year}-02-11")
    page.get_by_role("button", name="Record the check").click()
    expect(page.get_by_text("The permissibility check is recorded.")).to_be_visible()
    page.get_by_role("link", name="Accept").click()
    page.get_by_label("Accepted on").fill(f"{year}-02-12")
    page.get_by_role("button", name="Accept the donation").click()
    expect(page.get_by_text("accepted and entered in the books")).to_be_visible()
    console.assert_no_csp_violations()

    # A second £1,500 later that year (recorded the same way).
    second = services.donation_record(
        actor=treasurer, donor=donation.donor, value=Decimal("1500.00"),
        received_on=D(year, 8, 20),
    )  # fmt: skip
    services.donation_check(actor=treasurer, donation=second, permissible=True,
                            evidence="Same register, 20 Aug")  # fmt: skip
    services.donation_accept(actor=treasurer, donation=second,
                             accepted_on=D(year, 8, 21))  # fmt: skip

    # The quarter's report lists both, as aggregated.
    page.goto("/admin/finance/donation/")
    page.get_by_role("link", name="Reports: quarter, year by source, returned").click()
    page.get_by_label("Year").fill(str(year))
    page.get_by_label("Quarter").select_option(label="Q3")
    page.get_by_role("button", name="Show").click()
    rows = page.locator("#quarter-report tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("£1000.00")
    expect(rows.nth(1)).to_contain_text("£1500.00")
    for n in (0, 1):
        expect(rows.nth(n)).to_contain_text("Yes")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the quarter's report (CSV)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.count("Dora,") == 0 and text.count("Dora Donne") == 2

    # A social: its ticket income and costs show its profit.
    social = make_event(clp_a, title="Quiz night", price=Decimal("8.00"))
    services.budget_save(
        actor=treasurer, constituency=clp_a, title="Quiz night budget",
        event=social, planned_income=Decimal("300"), planned_costs=Decimal("100"),
    )  # fmt: skip
    services.entry_create(
        actor=treasurer, constituency=clp_a, date=D(year, 3, 1), direction="in",
        category="events", amount=Decimal("248.00"), description="Quiz tickets",
        event=social,
    )  # fmt: skip
    page.goto("/admin/finance/entry/add/")
    page.get_by_label("Date").fill(f"{year}-03-01")
    page.get_by_label("In or out").select_option(label="Expenditure")
    page.get_by_label("Category").select_option(label="Venue hire")
    page.get_by_label("Amount (£)").fill("90.00")
    page.get_by_label("Description").fill("Hall for the quiz")
    _choose(page, ".field-event", "Quiz", "Quiz night")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was added successfully")).to_be_visible()
    page.goto("/admin/finance/budget/")
    row = page.locator("#result_list tr", has_text="Quiz night budget")
    expect(row).to_contain_text("248.00")
    expect(row).to_contain_text("158.00")

    # The year-end summary adds up: £1,000 + £1,500 + £248 in, £90 out.
    page.goto("/admin/finance/entry/")
    page.get_by_role("link", name="Year-end summary").click()
    page.get_by_label("Year").fill(str(year))
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#funds tfoot")).to_contain_text("£2748.00")
    expect(page.locator("#funds tfoot")).to_contain_text("£90.00")
    expect(page.locator("#funds tfoot")).to_contain_text("£2658.00")
    assert Entry.objects.count() == 4
    console.assert_no_csp_violations()
    assert not console.page_errors
