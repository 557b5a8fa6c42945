"""Issue 8's journeys, tried as a new user would.

1. A campaign co-ordinator sets up a weekly Saturday 10:00 team in the admin; two
   members join it from "My teams" and sign up for the next session, which the
   rota generated; each is reminded the day before; after the session the lead,
   on a phone, records that both came and 300 leaflets, and the campaign's leaflet
   target moves in the admin.
2. A visitor on a phone signs a petition ticking email: they are not a supporter
   until they open the emailed link and press Confirm; then they are.

The server runs in this process, so `clock` moves Django's idea of "now" (the
rota, sign-up, reminders and "after the session" all read timezone.now()); signed
links and two-factor codes keep the real time.
"""

from __future__ import annotations

import datetime
import re
import time
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from campaigns.models import (
    Campaign,
    Measure,
    Petition,
    Session,
    SessionOutput,
    SessionSignup,
    Signature,
    Target,
    Team,
)
from members.models import Person, Postcode
from partyhub.audit.models import AuditEntry
from partyhub.comms import tasks as comms_tasks
from partyhub.comms.models import Channel, ConsentEvent
from supporters.models import Supporter
from tests import factories
from tests.browser.conftest import PHONE
from tests.browser.helpers import log_in

LONDON = ZoneInfo("Europe/London")
PHONE_WIDTH = PHONE["viewport"]["width"]


class Clock:
    """timezone.now() shifted by an offset; it keeps ticking."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._real = timezone.now
        self.offset = datetime.timedelta(0)
        monkeypatch.setattr(timezone, "now", lambda: self._real() + self.offset)

    def travel_to(self, when: datetime.datetime) -> None:
        self.offset = when - self._real()


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(monkeypatch)
    # Start on a Wednesday at noon, whatever day the suite runs: the next session
    # is then Saturday, more than a day away, so its reminder is still to come.
    today = timezone.localdate()
    wednesday = today + datetime.timedelta(days=(2 - today.weekday()) % 7 or 7)
    clock.travel_to(datetime.datetime.combine(wednesday, datetime.time(12), LONDON))
    return clock


def _officer_log_in(page, user, *, not_step: int | None = None) -> int:
    """log_in with the authenticator code typed early in its 30-second window (a
    code typed at the very end arrives too late on a busy machine) and, like a
    person who has just used one, never the code of step `not_step`: a code works
    once. Returns the step used."""
    while True:
        now = time.time()
        step = int(now // 30)
        if step != not_step and now % 30 < 15:
            break
        time.sleep(0.25)
    log_in(page, user)
    return step


def _fits_the_phone(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} is {width}px wide on a phone"


def _progress_text(page) -> str:
    page.goto("/admin/campaigns/campaign/")
    page.locator("#result_list").get_by_role("link", name="Save the library").click()
    return page.locator(".field-progress").inner_text()


def _join_and_sign_up(page, user) -> None:
    page.goto("/me/")
    log_in(page, user)
    page.get_by_role("link", name="My teams").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My teams")
    offer = page.locator(".card", has=page.get_by_role("heading", name="Saturday team"))
    expect(offer).to_contain_text("Saturdays at 10:00 — The clock tower")
    offer.get_by_role("button", name="Join").click()
    expect(page.get_by_role("alert")).to_contain_text("You are on the team")

    team = page.locator(
        "section", has=page.get_by_role("heading", name="Saturday team")
    )
    first = team.locator("li").first
    # The rota made the coming Saturday's session, at 10:00 local time.
    expect(first).to_contain_text(re.compile(r"^\s*Saturday \d+ \w+, 10:00"))
    first.get_by_role("button", name="I'll be there").click()
    expect(page.get_by_role("alert")).to_contain_text("see you there")
    expect(team.locator("li").first).to_contain_text("You're coming")


def test_lead_sets_up_a_saturday_team_and_records_a_session_on_a_phone(
    new_page, console, clock, clp_a, eager_tasks
):
    lead = factories.officer(
        clp_a, role="campaign_coordinator", first_name="Lena", last_name="Lead"
    )
    ann = factories.member_user(clp_a)
    bob = factories.member_user(clp_a)
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name="Save the library", starts=today - datetime.timedelta(days=30)
    )
    campaign.constituencies.add(clp_a)
    Target.objects.create(
        campaign=campaign,
        measure=Measure.LEAFLETS,
        number=1000,
        by=today + datetime.timedelta(days=60),
    )

    # --- The lead sets the team up in the admin. ----------------------------------
    desk = new_page()
    desk.goto("/admin/")
    desk_code_step = _officer_log_in(desk, lead)
    expect(desk).to_have_url(re.compile(r"/admin/$"))
    assert "0 / 1000 (0%)" in _progress_text(desk)

    desk.goto("/admin/campaigns/team/add/")
    desk.get_by_label("Name:").fill("Saturday team")
    # Related records are chosen by typing (issue 16.10), not id boxes and pop-ups.
    _choose(desk, ".field-campaign", "library", "Save the library")
    expect(desk.locator("#id_campaign")).to_have_value(str(campaign.pk))
    # The lead's only constituency is ticked already (issue 16.9).
    expect(desk.get_by_label(clp_a.name)).to_be_checked()
    desk.get_by_label("Day:").select_option(label="Saturday")
    desk.get_by_label("Starts at:").fill("10:00")
    desk.get_by_label("Meeting point:").fill("The clock tower")
    desk.get_by_text("Add another Lead").click()
    _choose(desk, "#teamlead_set-0 .field-person", "Lena", "Lena")
    expect(desk.locator("#id_teamlead_set-0-person")).to_have_value(str(lead.person.pk))
    desk.get_by_role("button", name="Save and continue editing").click()
    expect(desk.locator(".messagelist")).to_contain_text("was added successfully")
    team = Team.objects.get(name="Saturday team")
    assert list(team.leads.all()) == [lead.person]
    # Appointed by an officer of A: the lead sees A's people's contact details.
    assert team.teamlead_set.get().appointed_for == clp_a
    assert list(team.constituencies.all()) == [clp_a]

    # The rota's sessions are there at once, not after the nightly run.
    saturday = Session.objects.filter(team=team).order_by("starts").first()
    assert saturday is not None, "saving the rota made no sessions"
    saturday_local = saturday.starts.astimezone(LONDON)
    assert (saturday_local.weekday(), saturday_local.time()) == (5, datetime.time(10))
    assert saturday.starts - timezone.now() < datetime.timedelta(days=7)
    expect(desk.locator(".messagelist")).to_contain_text("sessions added from the rota")
    expect(desk.locator("input[name=sessions-0-starts_1]")).to_have_value("10:00:00")
    console.assert_no_csp_violations()

    # --- Two members join from the portal and sign up for the next session. ------
    _join_and_sign_up(new_page(), ann)
    _join_and_sign_up(new_page(), bob)
    assert set(
        SessionSignup.objects.filter(session=saturday).values_list(
            "person__email", flat=True
        )
    ) == {ann.email, bob.email}
    console.assert_no_csp_violations()

    # --- The day before, the beat tick reminds them, once each. -------------------
    mail.outbox = []
    comms_tasks.tick()
    assert mail.outbox == []  # not yet: it is Wednesday
    clock.travel_to(saturday.starts - datetime.timedelta(days=1, minutes=-1))
    comms_tasks.tick()
    comms_tasks.tick()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([ann.email, bob.email])
    for message in mail.outbox:
        assert message.subject == "Tomorrow: Saturday team"
        assert "The clock tower" in message.body
        assert f"{saturday_local.day} {saturday_local:%b %Y}, 10 a.m." in message.body

    # --- After the session the lead records it on a phone. ------------------------
    clock.travel_to(saturday.ends + datetime.timedelta(minutes=5))
    phone = new_page(**PHONE)
    phone.goto("/me/")
    _officer_log_in(phone, lead, not_step=desk_code_step)
    phone.get_by_role("link", name="My teams").first.click()
    to_record = phone.locator("section", has=phone.get_by_text("Record your team's"))
    expect(to_record).to_contain_text("Saturday team")
    to_record.get_by_role("link", name="Record").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Record the session")
    _fits_the_phone(phone)
    for user in (ann, bob):
        # Offered from the sign-ups, ticked; the lead confirms both came.
        came = phone.get_by_label(f"{user.person.first_name} {user.person.last_name}")
        expect(came).to_be_checked()
    phone.get_by_label("Leaflets delivered").fill("300")
    phone.get_by_label("Round or streets covered").fill("Elm Road and Oak Street")
    phone.get_by_role("button", name="Save").tap()
    expect(phone.get_by_role("alert")).to_contain_text("the session is recorded")
    expect(phone.locator("section").first).to_contain_text("Recorded")
    _fits_the_phone(phone)

    output = SessionOutput.objects.get(session=saturday)
    assert (output.leaflets, output.notes) == (300, "Elm Road and Oak Street")
    assert output.recorded_by == lead
    assert set(
        SessionSignup.objects.filter(session=saturday, attended=True).values_list(
            "person__email", flat=True
        )
    ) == {ann.email, bob.email}
    saturday.refresh_from_db()
    assert saturday.status == Session.Status.DONE
    assert AuditEntry.objects.filter(
        action="session.output_record", actor=lead
    ).exists()

    # --- The campaign's leaflet target has moved (the desk's login of Wednesday
    # has long expired: the lead looks on the phone, already past two-factor). ---
    progress = _progress_text(phone)
    assert "300 / 1000 (30%)" in progress, progress
    expect(phone.locator(".field-progress progress")).to_have_attribute("value", "300")
    console.assert_no_csp_violations()
    assert not console.page_errors


def test_visitor_signs_a_petition_on_a_phone_and_is_a_supporter_only_after_confirming(
    phone_page, console, clp_a, eager_tasks, settings
):
    settings.SUPPORTERS_MIN_FILL_SECONDS = 0  # the test types faster than a person
    page = phone_page
    ward = factories.WardFactory(constituency=clp_a, name="Washwood Heath")
    Postcode.objects.create(postcode="B8 1AA", ward=ward, constituency=clp_a)
    petition = Petition.objects.create(
        constituency=clp_a,
        slug="save-the-library",
        title="Save the library",
        text="We call on the council to keep the library open.",
        target=500,
        status=Petition.Status.OPEN,
    )
    mail.outbox = []

    page.goto("/campaigns/petitions/save-the-library/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Save the library")
    expect(page.locator("#signature-count")).to_contain_text("0 confirmed signatures")
    _fits_the_phone(page)
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Last name").fill("Lovelace")
    page.get_by_label("Email address").fill("ada@example.org")
    page.get_by_label("Postcode").fill("b8 1aa")
    email_box = page.get_by_label("Yes, email me about this campaign")
    expect(email_box).not_to_be_checked()  # consent starts unticked
    email_box.check()
    page.get_by_role("button", name="Sign").tap()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "One more step: check your email"
    )
    # Nothing signed, nobody created and nothing consented to until they confirm.
    assert not Person.objects.filter(email="ada@example.org").exists()
    assert not Signature.objects.exists()
    assert not ConsentEvent.objects.exists()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.org"]
    link = re.search(r"https?://\S+(/supporters/confirm/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body

    page.goto(link.group(1))  # a mail scanner opening the link changes nothing
    expect(page.get_by_role("heading", level=1)).to_have_text("Please confirm")
    assert not Signature.objects.exists()
    _fits_the_phone(page)
    page.get_by_role("button", name="Confirm").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for signing")
    expect(page.get_by_role("status")).to_contain_text("Your name is on")
    person = Person.objects.get(email="ada@example.org")
    assert Signature.objects.filter(petition=petition, person=person).exists()
    assert person.ward == ward

    supporter = Supporter.objects.get(person=person)
    assert supporter.status == Supporter.Status.CONFIRMED
    assert supporter.source == Supporter.Source.PETITION
    assert list(
        ConsentEvent.objects.filter(person=person).values_list("channel", "granted")
    ) == [(Channel.EMAIL, True)]
    assert Person.objects.filter(email__iexact="ada@example.org").count() == 1

    page.goto("/campaigns/petitions/save-the-library/")
    expect(page.locator("#signature-count")).to_contain_text("1 confirmed signature")
    console.assert_no_csp_violations()
    assert not console.page_errors


def _choose(page, where: str, typed: str, option: str) -> None:
    """Pick a record in an admin search-as-you-type box."""
    page.locator(f"{where} .select2-selection").click()
    page.locator(".select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=option).first.click()
