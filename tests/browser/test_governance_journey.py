"""Party democracy, as people use it: the secretary calls an all-member GC with
seven days' notice; two members submit a motion and an amendment in the portal;
the secretary builds the agenda; at the meeting (on a phone) attendance reaches
quorum, the amendment falls and the motion carries; draft minutes are circulated
and approved at the next meeting; the AGM elects a chair by secret online ballot,
and the new chair can open the admin on the first day of their term while the old
one cannot."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from governance import services
from governance.models import Body, Election, Minutes, Motion, Rules
from members.models import Office
from tests import factories
from tests.browser.helpers import log_in
from tests.governance.conftest import member


def _member_login(clp, first, last):
    person = member(clp, user=True, first_name=first, last_name=last)
    return person


def test_governance_journey(page, phone_page, new_page, console, clp_a, monkeypatch):
    Rules.objects.create(constituency=clp_a, notice_days=7)
    gc = Body.objects.create(
        constituency=clp_a,
        kind=Body.Kind.GC_ALL_MEMBER,
        name="General Committee",
        quorum_number=3,
    )
    secretary = factories.officer(clp_a, role="secretary")
    maya = _member_login(clp_a, "Maya", "Mover")
    ben = _member_login(clp_a, "Ben", "Amender")
    cara = _member_login(clp_a, "Cara", "Voter")

    # The secretary calls the GC with seven days' notice.
    page.goto("/admin/governance/meeting/add/")
    log_in(page, secretary)
    starts = timezone.localtime() + datetime.timedelta(days=8)
    page.get_by_label("Body").select_option(label="General Committee")
    page.get_by_label("Title").fill("Autumn GC")
    page.get_by_label("Starts").fill(starts.strftime("%Y-%m-%dT19:00"))
    page.get_by_label("Ends").fill(starts.strftime("%Y-%m-%dT21:00"))
    page.get_by_label("Venue").fill("Labour Club")
    page.get_by_role("button", name="Call the meeting and send notice").click()
    expect(page.get_by_text("The meeting is called")).to_be_visible()
    console.assert_no_csp_violations()

    # Two members submit a motion and an amendment in the portal.
    maya_page = new_page()
    maya_page.goto("/governance/me/")
    log_in(maya_page, maya.user)
    maya_page.get_by_role("link", name="Autumn GC").click()
    maya_page.get_by_role("link", name="Submit a motion or amendment").click()
    maya_page.get_by_label("Title").fill("Save the library")
    maya_page.get_by_label("Text of the motion").fill(
        "This GC resolves to save the library."
    )
    maya_page.get_by_label("Seconder's membership number").fill(
        ben.memberships.get().membership_number
    )
    maya_page.get_by_role("button", name="Submit to the secretary").click()
    expect(maya_page.get_by_text("your motion is with the secretary")).to_be_visible()

    ben_page = new_page()
    ben_page.goto("/governance/me/")
    log_in(ben_page, ben.user)
    ben_page.get_by_role("link", name="Autumn GC").click()
    ben_page.get_by_role("link", name="Submit a motion or amendment").click()
    ben_page.get_by_label("This is an amendment to").select_option(
        label="Save the library"
    )
    ben_page.get_by_label("Title").fill("And open it on Sundays")
    ben_page.get_by_label("Text of the motion").fill("Add: and open it on Sundays.")
    ben_page.get_by_label("Seconder's membership number").fill(
        maya.memberships.get().membership_number
    )
    ben_page.get_by_role("button", name="Submit to the secretary").click()
    expect(ben_page.get_by_text("your amendment is with the secretary")).to_be_visible()

    # The secretary builds the agenda: both accepted.
    page.goto("/admin/governance/motion/")
    for title in ("Save the library", "And open it on Sundays"):
        page.locator("#result_list tr", has_text=title).locator(
            "input[name=_selected_action]"
        ).check()
    page.locator("select[name=action]").select_option("accept")
    page.locator("button[name=index], input[name=index]").first.click()
    expect(page.get_by_text("2 put on the agenda.")).to_be_visible()

    # At the meeting, on a phone.
    meeting = gc.meetings.get()
    phone = phone_page
    phone.goto(f"/admin/governance/meeting/{meeting.pk}/run/")
    log_in(phone, secretary)
    expect(phone.get_by_text("Not quorate yet.")).to_be_visible()
    for name in ("Maya Mover", "Ben Amender", "Cara Voter"):
        phone.get_by_role("button", name=f"Tick as here {name}").click()
    expect(phone.get_by_text("Quorate.")).to_be_visible()
    amendment = phone.locator(".card", has_text="Amendment to “Save the library”")
    amendment.get_by_label("For").fill("1")
    amendment.get_by_label("Against").fill("2")
    amendment.get_by_role("button", name=re.compile("Record item")).click()
    motion = phone.locator(".card", has_text="Motion: Save the library")
    motion.get_by_label("Carried nem. con.").check()
    motion.get_by_role("button", name=re.compile("Record item")).click()
    expect(motion.get_by_text("Carried", exact=True)).to_be_visible()
    assert phone.evaluate(
        "() => document.documentElement.scrollWidth <= window.innerWidth"
    )
    assert (
        Motion.objects.get(title="And open it on Sundays").status == Motion.Status.FELL
    )
    assert Motion.objects.get(title="Save the library").status == Motion.Status.CARRIED

    # Draft minutes, circulated.
    phone.get_by_role("link", name="Draft the minutes").click()
    phone.get_by_role("button", name="Draft the minutes").click()
    expect(phone.get_by_label("Minutes (Markdown)")).to_contain_text("Save the library")
    phone.get_by_role("button", name="Circulate the draft").click()
    expect(phone.get_by_text("The draft is circulated")).to_be_visible()
    maya_page.goto(f"/governance/me/meetings/{meeting.pk}/")
    expect(
        maya_page.get_by_text("Draft: to be approved at the next meeting")
    ).to_be_visible()

    # Approved at the next meeting.
    nxt = services.meeting_call(
        body=gc,
        title="Winter GC",
        starts=timezone.now() + datetime.timedelta(days=40),
        ends=timezone.now() + datetime.timedelta(days=40, hours=2),
        actor=secretary,
    )
    phone.goto(f"/admin/governance/meeting/{nxt.pk}/run/")
    for name in ("Maya Mover", "Ben Amender", "Cara Voter"):
        phone.get_by_role("button", name=f"Tick as here {name}").click()
    approval = phone.locator(".card", has_text="Minutes of the meeting of")
    approval.get_by_label("Carried nem. con.").check()
    approval.get_by_role("button", name=re.compile("Record item")).click()
    expect(approval.get_by_text("Approved", exact=True)).to_be_visible()
    assert (
        meeting.minutes.__class__.objects.get(pk=meeting.minutes.pk).status
        == Minutes.Status.APPROVED
    )

    # The AGM elects a chair by secret online ballot.
    old_chair = factories.officer(clp_a, role="chair")
    factories.give_totp(cara.user)
    agm = Body.objects.create(constituency=clp_a, kind=Body.Kind.AGM, name="AGM")
    first_day = timezone.localdate() + datetime.timedelta(days=1)
    election = services.election_create(
        body=agm,
        role="chair",
        term_starts=first_day,
        nominations_close=timezone.now() + datetime.timedelta(hours=1),
        method=Election.Method.ONLINE,
        actor=secretary,
    )
    services.nomination_add(election=election, person=cara, actor=secretary)
    services.nomination_add(election=election, person=maya, actor=secretary)
    services.ballot_open(election=election, actor=secretary)
    for voter_page in (maya_page, ben_page):
        voter_page.goto("/governance/me/")
        voter_page.get_by_role(
            "link", name=re.compile("Vote: Election of Chair")
        ).click()
        voter_page.get_by_label("Cara Voter").check()
        voter_page.get_by_role("button", name="Cast my vote").click()
        expect(voter_page.get_by_text("Your vote is recorded")).to_be_visible()
    page.goto(f"/admin/governance/election/{election.pk}/manage/")
    page.get_by_role("button", name="Close the ballot").click()
    expect(page.locator("#content-main table")).to_contain_text("Cara Voter")
    page.get_by_role("button", name="Declare the result").click()
    expect(page.get_by_text("Elected: Cara Voter")).to_be_visible()
    assert Office.objects.get(person=cara, role="chair").starts == first_day

    # Before the term: the old chair has the admin, the new one not.
    cara_page = new_page()
    cara_page.goto("/governance/me/")
    log_in(cara_page, cara.user)
    assert cara_page.goto("/admin/").status == 403
    old_page = new_page()
    old_page.goto("/governance/me/")
    log_in(old_page, old_chair)
    assert old_page.goto("/admin/governance/meeting/").status == 200
    # On the first day of the term, the other way round.
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: first_day)
    cara_page.goto("/admin/governance/meeting/")
    expect(cara_page.get_by_role("link", name="Autumn GC")).to_be_visible()
    assert old_page.goto("/admin/governance/meeting/").status == 403
    console.assert_no_csp_violations()
