"""Issue 6's journeys, tried as a new user would, on the demo (`seed_demo`).

1. Hodge Hill's membership secretary imports the demo's national export in the
   admin (preview, apply), then a week's changes: the preview and the run's
   report show exactly the new joiner, the lapse and the changed address; the
   new joiner is welcomed by email and given a mentor.
2. On the renewal desk she logs a contact with the new joiner from the new
   members' list; it shows on their page, and their mentor's 7-day reminder is
   cancelled.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from members.demo.national_export import NEW_JOINER, national_export_csv
from members.demo.seed import DEMO_PASSWORD, DEMO_TOTP_SECRET, seed_demo
from members.desk.services import MENTOR_ASK, MENTOR_NUDGE, SECRETARY_NUDGE
from members.imports.services import membership_import_apply, membership_import_preview
from members.models import (
    Constituency,
    ContactLog,
    ImportRun,
    Membership,
    Mentorship,
)
from partyhub.accounts.models import User
from partyhub.comms.models import Reminder
from tests.browser.helpers import LOGIN_URL, TWO_FACTOR_URL, enter_two_factor_code
from tests.helpers import send_all_mail

SECRETARY_EMAIL = "membership@hodgehill.example.org"
JOINER = f"{NEW_JOINER['first_name']} {NEW_JOINER['last_name']}"


@pytest.fixture
def hodge_hill(settings, transactional_db):
    """The demo, with the demo export files offered on the import page (DEBUG).
    The import's check and apply tasks run as each request commits (no worker)."""
    from partyhub.celery import app

    settings.DEBUG = True
    seed_demo()
    app.conf.task_always_eager = True
    yield Constituency.objects.get(slug="birmingham-hodge-hill")
    app.conf.task_always_eager = False


def _log_in_secretary(page, lands_on: str) -> None:
    """The demo's officers share a published password and authenticator secret."""
    expect(page).to_have_url(LOGIN_URL)
    form = page.locator("form", has=page.locator("input[name=login]"))
    form.locator("input[name=login]").fill(SECRETARY_EMAIL)
    form.locator("input[name=password]").fill(DEMO_PASSWORD)
    form.locator("[type=submit]").first.click()
    expect(page).to_have_url(TWO_FACTOR_URL)
    enter_two_factor_code(page, DEMO_TOTP_SECRET)
    expect(page).to_have_url(re.compile(re.escape(lands_on) + r"(\?.*)?$"))


def _rows(data: bytes) -> dict[str, tuple[int, dict[str, str]]]:
    """Membership number -> (line in the file, the row)."""
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    return {row["Membership Number"]: (reader.line_num, row) for row in reader}


def _download_demo_file(page, name: str, folder: Path) -> Path:
    with page.expect_download() as download:
        page.get_by_role("link", name=name).click()
    path = folder / download.value.suggested_filename
    download.value.save_as(path)
    return path


def _preview(page, console, path: Path) -> None:
    page.get_by_label("CSV file").set_input_files(path)
    expect(page.get_by_label("Constituency")).to_have_value(
        str(Constituency.objects.get(slug="birmingham-hodge-hill").pk)
    )
    page.get_by_role("button", name="Preview").click()
    expect(page).to_have_url(re.compile(r"/admin/members/importrun/\d+/preview/$"))
    console.assert_no_csp_violations()


def _table(page, caption: str):
    return page.locator("table", has=page.locator("caption", has_text=caption))


def _count(page, key: str):
    return page.locator(f".import-count-{key}")


def test_secretary_imports_the_demo_export_then_a_week_of_changes(
    page, console, hodge_hill, tmp_path
):
    page.goto("/admin/")
    _log_in_secretary(page, "/admin/")
    console.assert_no_csp_violations()
    # The home page says what needs doing; every list is one click further.
    page.get_by_role("link", name="Everything in the admin, by task").click()
    page.locator("#content").get_by_role(
        "link", name="National list imports", exact=True
    ).click()
    page.get_by_role("link", name="Import national list").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Import the national membership list"
    )
    console.assert_no_csp_violations()

    # The first import: everybody is already known from the seed.
    export = _download_demo_file(page, "national_export.csv", tmp_path)
    known = _rows(export.read_bytes())
    _preview(page, console, export)
    expect(_count(page, "rows")).to_have_text(str(len(known)))
    expect(_count(page, "new")).to_have_text("0")
    expect(_count(page, "errors")).to_have_text("0")
    page.get_by_role("button", name="Apply this import").first.click()
    expect(page).to_have_url(re.compile(r"/admin/members/importrun/\d+/preview/$"))
    expect(page.locator(".member-import-done")).to_contain_text("Imported: 0 new")
    assert ImportRun.objects.get().status == ImportRun.Status.APPLIED

    # A week later: the changes file.
    page.get_by_role("link", name="National list imports").first.click()
    page.get_by_role("link", name="Import national list").click()
    changes = _download_demo_file(page, "national_export_changes.csv", tmp_path)
    week = _rows(changes.read_bytes())
    # What the file itself says changed: one more number, one status, one address.
    (joiner_number,) = set(week) - set(known)
    assert joiner_number == NEW_JOINER["number"]
    differing = {
        number: {k for k in row if row[k] != known[number][1][k]}
        for number, (_line, row) in week.items()
        if number in known and row != known[number][1]
    }
    (lapsed_number,) = [
        n for n, keys in differing.items() if keys == {"Membership Status"}
    ]
    (moved_number,) = [n for n, keys in differing.items() if "Post Code" in keys]
    assert len(differing) == 2
    lapsed_line, lapsed_row = week[lapsed_number]
    moved_line, moved_row = week[moved_number]
    joiner_line = week[joiner_number][0]

    _preview(page, console, changes)
    expected_counts = {
        "rows": len(week),
        "new": 1,
        "changed": 2,
        "unchanged": len(week) - 3,
        "arrears": 0,
        "lapsed": 1,
        "rejoined": 0,
        "errors": 0,
    }

    def shows_exactly_the_three_changes():
        for key, value in expected_counts.items():
            expect(_count(page, key)).to_have_text(str(value))
        # The rows are folded by kind under their counts (issue 16 item 11).
        unchanged = f"{len(week) - 3} unchanged"
        expect(page.locator(".import-kind > summary")).to_have_text(
            ["1 new member", "2 changed", unchanged, "1 newly lapsed"]
        )
        expect(_table(page, "New members")).not_to_be_visible()
        for kind in ("1 new member", "2 changed", unchanged, "1 newly lapsed"):
            page.get_by_text(kind, exact=True).click()
        expect(page.get_by_text("applying the import changes nothing")).to_be_visible()
        expect(_table(page, "New members")).to_be_visible()
        new_rows = _table(page, "New members").locator("tbody tr")
        expect(new_rows).to_have_count(1)
        expect(new_rows.locator("td")).to_have_text(
            [str(joiner_line), joiner_number, JOINER]
        )
        changed = _table(page, "Changed").locator("tbody tr")
        expect(changed).to_have_count(2)
        lapse = changed.filter(has_text=lapsed_number)
        expect(lapse.locator("td").nth(0)).to_have_text(str(lapsed_line))
        expect(lapse.locator("td").nth(2)).to_have_text(
            f"{lapsed_row['Forename']} {lapsed_row['Surname']}"
        )
        expect(lapse.locator("li").filter(has_text="Status:")).to_have_text(
            "Status: Current → Lapsed"
        )
        move = changed.filter(has_text=moved_number)
        expect(move.locator("td").nth(0)).to_have_text(str(moved_line))
        old_address = known[moved_number][1]
        expect(move.locator("li").filter(has_text="Postcode")).to_have_text(
            re.compile(
                rf"Postcode: {re.escape(old_address['Post Code'])} → "
                rf"{re.escape(moved_row['Post Code'])}"
            )
        )
        expect(move).to_contain_text(
            f"{old_address['Address1']} → {moved_row['Address1']}"
        )
        expect(move.locator("li").filter(has_text="Ward:")).to_have_count(1)
        newly_lapsed = _table(page, "Newly lapsed").locator("tbody tr")
        expect(newly_lapsed).to_have_count(1)
        expect(newly_lapsed).to_contain_text(lapsed_number)
        for caption in ("Newly in arrears", "Rejoined", "Rows with errors"):
            expect(_table(page, caption)).to_have_count(0)

    shows_exactly_the_three_changes()
    # Nothing has changed yet: the preview is a dry run.
    assert not Membership.objects.filter(membership_number=joiner_number).exists()
    assert (
        Membership.objects.get(membership_number=lapsed_number).status
        == Membership.Status.CURRENT
    )

    mail.outbox.clear()
    page.get_by_role("button", name="Apply this import").first.click()
    expect(page).to_have_url(re.compile(r"/admin/members/importrun/\d+/preview/$"))
    expect(page.locator(".member-import-done")).to_have_text(
        f"Imported: 1 new, 2 changed, {len(week) - 3} unchanged."
    )
    # The run's report says the same as the preview, now as applied.
    expect(page.locator(".member-import-report")).to_contain_text("Applied")
    shows_exactly_the_three_changes()
    console.assert_no_csp_violations()

    joiner = Membership.objects.get(membership_number=joiner_number).person
    assert joiner.email == NEW_JOINER["email"]
    assert (
        Membership.objects.get(membership_number=lapsed_number).status
        == Membership.Status.LAPSED
    )
    mentorship = Mentorship.objects.select_related("mentor__person").get(mentee=joiner)
    assert mentorship.status == Mentorship.Status.ACTIVE
    mentor = mentorship.mentor.person

    # The beat's tick: the welcome goes to the new joiner, once, naming the mentor;
    # the mentor is asked to get in touch.
    sent = send_all_mail()
    welcomes = [m for m in sent if m.to == [joiner.email]]
    assert len(welcomes) == 1
    assert welcomes[0].subject == f"Welcome to {hodge_hill.name}"
    assert mentor.full_name in welcomes[0].body
    # (The mentor is the demo's membership secretary, who also gets officers' mail
    # about the demo's open data request; the ask about the joiner comes once.)
    asks = [m for m in sent if m.to == [mentor.email] and JOINER in m.subject]
    assert [m.subject for m in asks] == [f"Please welcome a new member: {JOINER}"]
    assert send_all_mail() == []

    # The secretary sees the mentor on the desk and on the new member's page.
    page.goto("/admin/")
    page.get_by_role("link", name="Everything in the admin, by task").click()
    page.locator("#content").get_by_role(
        "link", name="Renewal desk", exact=True
    ).click()
    row = page.locator("#result_list tbody tr", has_text=JOINER)
    expect(row).to_have_count(1)
    expect(row.locator("td.field-mentor")).to_have_text(mentor.full_name)
    row.get_by_role("link", name=JOINER).click()
    expect(page.get_by_role("heading", name=JOINER)).to_be_visible()
    expect(page.locator(".field-mentoring_summary")).to_contain_text(
        f"New member, mentored by {mentor.full_name} "
        f"({mentorship.get_status_display()})."
    )
    console.assert_no_csp_violations()


def _import_the_changes(constituency: Constituency) -> Membership:
    """A week's changes, imported by the secretary (journey 1 in the browser)."""
    secretary = User.objects.get(email=SECRETARY_EMAIL)
    data = national_export_csv(timezone.localdate(), changes=True)
    run = membership_import_preview(
        data=data, file_name="changes.csv", constituency=constituency, actor=secretary
    )
    membership_import_apply(run=run, actor=secretary)
    return Membership.objects.select_related("person").get(
        membership_number=NEW_JOINER["number"]
    )


def _reminder(mentorship: Mentorship, kind: str) -> Reminder:
    return Reminder.objects.get(
        content_type=ContentType.objects.get_for_model(Mentorship),
        object_id=str(mentorship.pk),
        kind=kind,
    )


def test_secretary_logs_a_contact_with_the_new_joiner_on_the_desk(
    page, console, hodge_hill
):
    joiner = _import_the_changes(hodge_hill).person
    mentorship = Mentorship.objects.select_related("mentor__person").get(mentee=joiner)
    mentor = mentorship.mentor.person
    nudge = _reminder(mentorship, MENTOR_NUDGE)
    assert nudge.status == Reminder.Status.PENDING
    assert nudge.person == mentor
    assert nudge.due_at - mentorship.assigned_at == datetime.timedelta(days=7)
    assert _reminder(mentorship, SECRETARY_NUDGE).status == Reminder.Status.PENDING
    contacts_before = ContactLog.objects.count()

    page.goto("/admin/members/deskmembership/")
    _log_in_secretary(page, "/admin/members/deskmembership/")
    # The new members' list is the one the desk opens on.
    expect(
        page.locator("#changelist-filter li.selected", has_text="New members")
    ).to_contain_text("New members (last 30 days)")
    row = page.locator("#result_list tbody tr", has_text=JOINER)
    expect(row).to_have_count(1)
    assert page.locator("#result_list tbody tr").count() > 1  # the demo's others
    expect(row.locator("td.field-last_contact")).to_have_text("—")
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option(
        label="Log a contact with the selected"
    )
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a contact")
    expect(page.locator("#content-main")).to_contain_text(f"For 1 person: {JOINER}")
    console.assert_no_csp_violations()
    page.get_by_label("How").select_option(label="Phone call")
    page.get_by_label("Outcome").select_option(label="Spoke to them")
    page.get_by_label("Note").fill("Welcome call: coming to the branch meeting.")
    page.get_by_role("button", name="Log the contact").click()
    expect(page.locator(".messagelist")).to_have_text("Contact logged for 1 person.")
    row = page.locator("#result_list tbody tr", has_text=JOINER)
    expect(row.locator("td.field-last_contact")).not_to_have_text("—")

    # Only the selected new member of the list got a contact.
    assert ContactLog.objects.count() == contacts_before + 1
    (entry,) = ContactLog.objects.filter(person=joiner)
    assert (entry.how, entry.outcome) == ("call", "spoke")
    assert entry.by_person.user.email == SECRETARY_EMAIL

    row.get_by_role("link", name=JOINER).click()
    expect(page.get_by_role("heading", name=JOINER)).to_be_visible()
    contacts = page.locator(".field-contact_history tbody tr")
    expect(contacts).to_have_count(1)
    expect(contacts.locator("td")).to_have_text(
        [
            re.compile(r"\S"),
            "Phone call",
            "Spoke to them",
            entry.by_person.full_name,
            "Welcome call: coming to the branch meeting.",
        ]
    )
    expect(page.locator(".field-mentoring_summary")).to_contain_text("First contact")
    console.assert_no_csp_violations()

    # The first contact ends the wait: the mentor's 7-day reminder (and the
    # secretary's 14-day one) are cancelled; the ask already made stays.
    assert _reminder(mentorship, MENTOR_NUDGE).status == Reminder.Status.CANCELLED
    assert _reminder(mentorship, SECRETARY_NUDGE).status == Reminder.Status.CANCELLED
    assert _reminder(mentorship, MENTOR_ASK).status == Reminder.Status.PENDING
    mentorship.refresh_from_db()
    assert mentorship.first_contact_at == entry.at
    # A week on, the mentor is not nudged about somebody already contacted.
    later = send_all_mail(now=timezone.now() + datetime.timedelta(days=8))
    assert not [
        m
        for m in later
        if m.to == [mentor.email]
        and m.subject.startswith("Have you been in touch")
        and JOINER in m.subject
    ]
