"""Issue 16 item 2: on an event's own admin page the organiser publishes it with
one button and finds its public page to open or copy; the same for a petition.
The published event is on its constituency's page and calendar."""

from __future__ import annotations

from playwright.sync_api import expect

from campaigns.models import Petition
from events.models import Event
from partyhub.audit.models import AuditEntry
from tests import factories
from tests.browser.helpers import log_in
from tests.events.conftest import make_event


def test_organiser_publishes_an_event_and_copies_its_public_address(
    page, console, clp_a, clp_b, settings
):
    officer = factories.officer(clp_a, role="secretary")
    event = make_event(
        clp_a, title="Meet your MP", audience=Event.Audience.PUBLIC,
        status=Event.Status.DRAFT,
    )  # fmt: skip
    petition = Petition.objects.create(
        constituency=clp_a, slug="save-the-library", title="Save the library",
        text="Keep it open.", status=Petition.Status.OPEN,
    )  # fmt: skip
    page.goto(f"/admin/events/event/{event.pk}/change/")
    log_in(page, officer)
    expect(page.get_by_text("None yet: publish the event")).to_be_visible()

    page.get_by_role("button", name="Publish this event").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "“Meet your MP” is published: it is on the constituency's page and calendar."
    )
    expect(page.get_by_role("button", name="Publish this event")).to_have_count(0)
    url = f"{settings.SITE_URL.rstrip('/')}/events/{event.pk}/"
    box = page.get_by_label("Web address of the public page, to copy")
    expect(box).to_have_value(url)
    expect(box).to_have_attribute("readonly", "")
    expect(page.get_by_role("link", name="View public page")).to_have_attribute(
        "href", url
    )
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert AuditEntry.objects.filter(action="event.published").count() == 1

    page.goto(f"/admin/campaigns/petition/{petition.pk}/change/")
    expect(page.get_by_label("Web address of the public page, to copy")).to_have_value(
        f"{settings.SITE_URL.rstrip('/')}/campaigns/petitions/save-the-library/"
    )

    page.goto("/clp/hodge-hill/")
    expect(page.get_by_role("region", name="Upcoming events")).to_contain_text(
        "Meet your MP"
    )
    page.goto("/events/clp/hodge-hill/")
    expect(page.get_by_role("link", name="Meet your MP")).to_be_visible()
    console.assert_no_csp_violations()


def test_another_clps_officer_cannot_publish(client, clp_a, clp_b):
    event = make_event(clp_a, audience=Event.Audience.PUBLIC, status=Event.Status.DRAFT)
    client.force_login(factories.officer(clp_b, role="secretary"))
    response = client.post(f"/admin/events/event/{event.pk}/publish/")
    assert response.status_code in (302, 403, 404)
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT
    client.force_login(factories.member_user(clp_a))
    client.post(f"/admin/events/event/{event.pk}/publish/")
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT
