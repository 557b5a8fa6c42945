"""axe-core on the twenty most used pages, on a laptop and on a phone: no serious
or critical violation (issue 16, "Done when").

axe-core is vendored in static/vendor/axe-core/ for this test only (no template
names it, so no user's page loads it). It is put into each page through the
browser's debugging channel, which the page's Content-Security-Policy does not
govern, so the pages are checked with the policy they are served with.

One browser, one logged-in context per role and viewport; each page is loaded
and checked once per viewport, and every violation of every page is listed when
the test fails.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import expect

from campaigns.models import Petition, Question, Survey
from events.models import Event
from members.imports.services import membership_import_preview
from members.models import Membership, Postcode
from partyhub.comms.models import Message, Segment
from tests import factories
from tests.browser.conftest import DESKTOP
from tests.browser.helpers import log_in
from tests.comms.conftest import grant_email
from tests.events.conftest import make_event
from tests.members.imports.conftest import csv_bytes, row

pytestmark = pytest.mark.browser

AXE = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core" / "axe.min.js"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
BLOCKING = {"serious", "critical"}

DRAWN = """() => Array.from(
  document.querySelectorAll("select.admin-autocomplete:not([name*=__prefix__])")
).every(select => select.nextElementSibling?.classList.contains("select2"))"""
RUN_AXE = """async () => {
  const result = await axe.run(document, {
    resultTypes: ["violations"],
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                    "wcag22aa", "best-practice"]},
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "),
                              summary: n.failureSummary,
                              html: n.html.slice(0, 160)})),
  }));
}"""


def _demo() -> dict[str, Any]:
    """Two constituencies, a member, an officer and one of each thing the pages
    show, made with the factories (seed_demo takes a minute)."""
    clp = factories.ConstituencyFactory(name="Hodge Hill", slug="hodge-hill")
    other = factories.ConstituencyFactory(name="Reading West", slug="reading-west")
    ward = factories.WardFactory(constituency=clp, name="Hodge Hill ward")
    Postcode.objects.create(postcode="B8 1AA", ward=ward, constituency=clp)
    officer = factories.officer(clp, role="secretary")
    factories.officer(other, role="secretary")
    member = factories.member_user(clp)
    grant_email(member.person)
    people = []
    for first, last in [("Maria", "Member"), ("Tom", "Typical"), ("Ade", "Arrears")]:
        person = factories.PersonFactory(
            constituency=clp, ward=ward, first_name=first, last_name=last
        )
        factories.MembershipFactory(person=person)
        grant_email(person)
        people.append(person)
    public = make_event(
        clp, title="Open meeting", audience=Event.Audience.PUBLIC, capacity=40
    )
    door = make_event(
        clp,
        title="Summer barbecue",
        starts=datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1),
    )
    from events.models import Booking

    for person in people:
        Booking.objects.create(event=door, person=person)
    # The door list in both states: one ticked in as here.
    Booking.objects.filter(event=door, person=people[0]).update(
        attended_at=datetime.datetime.now(datetime.UTC)
    )
    Booking.objects.create(event=public, person=member.person)
    petition = Petition.objects.create(
        constituency=clp,
        slug="save-the-library",
        title="Save Hodge Hill library",
        text="Keep it open.",
        status=Petition.Status.OPEN,
    )
    survey = Survey.objects.create(
        constituency=clp, slug="buses", title="Your buses", status=Survey.Status.OPEN
    )
    Question.objects.create(
        survey=survey, text="How often do you take the bus?",
        kind=Question.Kind.CHOICE, options="Daily\nWeekly\nNever", required=True,
    )  # fmt: skip
    Question.objects.create(
        survey=survey, text="How good is the service?", kind=Question.Kind.SCALE
    )
    Question.objects.create(
        survey=survey, text="Anything else?", kind=Question.Kind.TEXT
    )
    segment = Segment.objects.create(
        constituency=clp,
        name="Current members",
        criteria={"member_status": [Membership.Status.CURRENT]},
    )
    message = Message.objects.create(
        constituency=clp,
        segment=segment,
        subject="Quiz night on Friday",
        body="Dear {first_name}, come to the **quiz**.",
    )
    run = membership_import_preview(
        data=csv_bytes(
            row(),
            row(number="L0000002", first="Bob", last="Brown", email="bob@x.org"),
            row(number="L0000003", first="", last="", email="bad", postcode="ZZ"),
        ),
        file_name="export.csv",
        constituency=clp,
        actor=officer,
        keep_file=False,
    )
    return {
        "member": member,
        "officer": officer,
        "person": people[0],
        "public": public,
        "door": door,
        "petition": petition,
        "survey": survey,
        "message": message,
        "run": run,
    }


def _pages(demo: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    return {
        "visitor": [
            ("home", "/"),
            ("constituency page", "/clp/hodge-hill/"),
            ("supporter signup", "/supporters/join/hodge-hill/"),
            ("public event", f"/events/{demo['public'].pk}/"),
            ("petition", f"/campaigns/petitions/{demo['petition'].slug}/"),
            ("survey", f"/campaigns/surveys/{demo['survey'].slug}/"),
            ("privacy notice", "/privacy/"),
            ("login", "/accounts/login/"),
        ],
        "member": [
            ("portal home", "/me/"),
            ("my events", "/events/mine/"),
            ("my history", "/me/history/"),
            ("contact preferences", "/me/contact/"),
        ],
        "officer": [
            ("officers' home", "/admin/"),
            ("people list", "/admin/members/person/"),
            ("person page", f"/admin/members/person/{demo['person'].pk}/change/"),
            ("renewal desk", "/admin/members/deskmembership/"),
            (
                "message send confirm",
                f"/admin/comms/message/{demo['message'].pk}/send-now/",
            ),
            ("event admin page", f"/admin/events/event/{demo['public'].pk}/change/"),
            ("import preview", f"/admin/members/importrun/{demo['run'].pk}/preview/"),
            ("door page", f"/admin/events/event/{demo['door'].pk}/door/"),
        ],
    }


def _report(problems: list[tuple[str, str, dict]]) -> str:
    lines = []
    for viewport, page, violation in problems:
        lines.append(
            f"\n[{viewport}] {page}: {violation['impact']} {violation['id']}: "
            f"{violation['help']}"
        )
        for node in violation["nodes"][:5]:
            lines.append(f"    at {node['target']}\n      {node['html']}")
            summary = " ".join(node["summary"].split())
            lines.append(f"      {summary[:300]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


def test_the_twenty_most_used_pages_have_no_serious_accessibility_violation(
    new_page, console
):
    demo = _demo()
    pages = _pages(demo)
    assert sum(len(p) for p in pages.values()) == 20
    axe = AXE.read_text()
    problems: list[tuple[str, str, dict]] = []
    csp_problems: list[str] = []
    users = {"member": demo["member"], "officer": demo["officer"]}
    for viewport_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        for role, role_pages in pages.items():
            page = new_page(**viewport)
            if role in users:
                page.goto(role_pages[0][1])
                log_in(page, users[role])
            for name, url in role_pages:
                response = page.goto(url)
                assert response is not None and response.ok, (name, url)
                expect(page).to_have_url(re.compile(re.escape(url) + "$"))
                # Search-as-you-type boxes are drawn when jQuery is ready.
                page.wait_for_function(DRAWN)
                csp_problems += console.csp_violations
                page.evaluate(axe)  # defines window.axe, outside the page's CSP
                for violation in page.evaluate(RUN_AXE):
                    if violation["impact"] in BLOCKING:
                        problems.append((viewport_name, f"{name} ({url})", violation))
                # axe's own probes set style attributes, which the policy refuses.
                console.clear()
            page.context.close()
    assert not problems, (
        f"{len(problems)} serious or critical accessibility violations:"
        + _report(problems)
    )
    assert not csp_problems, "\n".join(csp_problems)
