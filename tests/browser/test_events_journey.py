"""Events, as people use them: an officer publishes a members-and-supporters event
with 20 places (on a phone); a member books in the portal; a supporter answers
from the emailed invitation; a visitor books a public event on its page; at the
door, on the phone, the officer finds the member and ticks them in."""

import re

from django.core import mail
from playwright.sync_api import expect

from events.models import Booking, Event
from events.services import invitations_send
from members.models import Person
from partyhub.comms import sending
from partyhub.comms.consent import consent_record
from supporters.models import SignupRequest
from supporters.signup import signup_confirmation_send
from tests import factories
from tests.browser.helpers import log_in
from tests.events.conftest import make_event


def _send_due_mail():
    sending.reminders_queue_due()
    while ids := sending.deliveries_claim():
        sending.deliveries_send(ids=ids)


def _no_sideways_scroll(page):
    assert page.evaluate(
        "() => document.documentElement.scrollWidth <= window.innerWidth"
    )


def test_event_journey(phone_page, new_page, console, clp_a, settings):
    settings.SUPPORTERS_MIN_FILL_SECONDS = 0  # the test types faster than a person
    officer = factories.officer(clp_a, role="social_secretary")
    member_user = factories.member_user(clp_a)
    member = member_user.person
    member.first_name, member.last_name = "Maria", "Member"
    member.save()
    supporter = factories.PersonFactory(
        constituency=clp_a, first_name="Sam", last_name="Supporter"
    )
    consent_record(person=supporter, channel="email", granted=True, method="portal")
    event = make_event(
        clp_a, title="Summer barbecue", capacity=20, status=Event.Status.DRAFT
    )
    make_event(clp_a, title="Open meeting", audience=Event.Audience.PUBLIC)

    # The officer publishes it, on a phone.
    officer_page = phone_page
    officer_page.goto("/admin/events/event/")
    log_in(officer_page, officer)
    expect(officer_page).to_have_url(re.compile(r"/admin/events/event/$"))
    row = officer_page.locator("#result_list tr", has_text="Summer barbecue")
    row.locator("input[name=_selected_action]").check()
    officer_page.locator("select[name=action]").select_option("publish")
    officer_page.locator("button[name=index], input[name=index]").first.tap()
    expect(officer_page.get_by_text("1 event published.")).to_be_visible()
    console.assert_no_csp_violations()
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED

    # Before inviting anyone, the officer reads the email people will get.
    officer_page.goto(f"/admin/events/event/{event.pk}/change/")
    officer_page.get_by_role("link", name="Send invitations").tap()
    sample = officer_page.get_by_role("region", name="The email each person gets")
    expect(sample).to_contain_text("You are invited: Summer barbecue")
    expect(sample).to_contain_text("Tell us if you can come")
    assert not event.invitations.exists()
    console.assert_no_csp_violations()

    # A member books in the portal.
    member_page = new_page()
    member_page.goto("/events/mine/")
    log_in(member_page, member_user)
    card = member_page.locator(".card", has_text="Summer barbecue")
    card.get_by_role("button", name="I'm coming").click()
    expect(member_page.get_by_text("your answer is recorded")).to_be_visible()
    expect(
        member_page.locator(".list-group-item", has_text="Summer barbecue")
    ).to_contain_text("Yes")
    console.assert_no_csp_violations()

    # A supporter answers from the emailed invitation, without logging in.
    invitations_send(
        event=event, people=Person.objects.filter(pk=supporter.pk), actor=officer
    )
    mail.outbox.clear()
    _send_due_mail()
    # (the member's "You are booked" goes out in the same tick)
    invitation = next(m for m in mail.outbox if "/events/invitation/" in m.body)
    link = re.search(r"https?://\S+(/events/invitation/[^/\s)]+/)", invitation.body)
    supporter_page = new_page()
    supporter_page.goto(link.group(1))
    expect(
        supporter_page.get_by_role("heading", name="Summer barbecue")
    ).to_be_visible()
    supporter_page.get_by_label("Yes, I'm coming").check()
    supporter_page.get_by_label("Guests coming with you").fill("1")
    supporter_page.get_by_role("button", name="Send my answer").click()
    expect(supporter_page.get_by_text("your answer is recorded")).to_be_visible()
    console.assert_no_csp_violations()

    # A visitor books a public event on its page.
    visitor_page = new_page()
    visitor_page.goto("/events/clp/hodge-hill/")
    visitor_page.get_by_role("link", name="Open meeting").click()
    visitor_page.get_by_label("First name").fill("Vera")
    visitor_page.get_by_label("Last name").fill("Visitor")
    visitor_page.get_by_label("Email", exact=True).fill("vera@example.org")
    visitor_page.get_by_role("button", name="Book my place").click()
    expect(
        visitor_page.get_by_role("heading", name="One more step: check your email")
    ).to_be_visible()
    console.assert_no_csp_violations()
    # The place is theirs once they confirm from the email.
    request = SignupRequest.objects.get(email="vera@example.org")
    signup_confirmation_send(signup_request_id=request.pk)
    link = re.search(r"https?://\S+(/supporters/confirm/\S+/)", mail.outbox[-1].body)
    visitor_page.goto(link.group(1))
    visitor_page.get_by_role("button", name="Confirm").click()
    expect(visitor_page.get_by_role("status")).to_contain_text(
        "We have your booking for “Open meeting”"
    )

    assert event.places_taken() == 3  # the member, the supporter and a guest
    booking = Booking.objects.get(event=event, person=member)

    # At the door, on the phone: find Maria and tick her in (htmx, no reload).
    officer_page.goto(f"/admin/events/event/{event.pk}/door/")
    expect(officer_page.get_by_role("heading", name="Summer barbecue")).to_be_visible()
    officer_page.get_by_label("Find a name").fill("mari")
    rows = officer_page.locator("#attendees li")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Maria Member")
    rows.get_by_role("button", name=re.compile("Tick as here")).tap()
    expect(rows.get_by_role("button", name=re.compile("Here"))).to_be_visible()
    expect(officer_page.locator("#attendees")).to_contain_text("1 here of 1 listed")
    _no_sideways_scroll(officer_page)
    console.assert_no_csp_violations()
    booking.refresh_from_db()
    assert booking.attended_at is not None
