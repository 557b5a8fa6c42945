"""At the door: officers of the event's CLP search, tick, add walk-ins; new
members and their hosts are marked; badges print; other CLPs get 404."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.badges import Badge, badges_pdf
from events.models import Booking
from events.services import rsvp_create
from members.models import Person
from partyhub.comms.models import ConsentEvent
from tests import factories
from tests.events.conftest import make_event, member


def _book(event, person, answer="yes"):
    return rsvp_create(event=event, person=person, answer=answer,
                       source="portal", actor=None)  # fmt: skip


@pytest.fixture
def event(clp_a):
    return make_event(clp_a, title="Annual dinner", capacity=50)


@pytest.fixture
def newcomer(clp_a):
    person = factories.PersonFactory(constituency=clp_a, first_name="Nadia",
                                     last_name="Newcomb")  # fmt: skip
    factories.MembershipFactory(
        person=person, joined=timezone.localdate() - datetime.timedelta(days=30)
    )
    return person


@pytest.fixture
def veteran(clp_a):
    person = factories.PersonFactory(constituency=clp_a, first_name="Victor",
                                     last_name="Veteran")  # fmt: skip
    factories.MembershipFactory(
        person=person, joined=timezone.localdate() - datetime.timedelta(days=3000)
    )
    return person


def door(event):
    return reverse("admin:events_event_door", args=[event.pk])


def attend(event, booking):
    return reverse("admin:events_event_attend", args=[event.pk, booking.pk])


def test_door_lists_people_marks_new_members_and_their_hosts(
    client, officer_a, event, newcomer, veteran
):
    booking = _book(event, newcomer)
    _book(event, veteran)
    Booking.objects.filter(pk=booking.pk).update(host=veteran)
    client.force_login(officer_a)
    page = client.get(door(event))
    assert page.status_code == 200
    text = re.sub(r"\s+", " ", page.text)
    assert "Nadia Newcomb" in text
    assert "Victor Veteran" in text
    assert text.count("New member</span>") == 1
    assert "Host: Victor Veteran" in text
    # Search (htmx asks for the list alone).
    found = client.get(door(event), {"q": "newc"}, HTTP_HX_REQUEST="true")
    assert "Nadia Newcomb" in found.text
    assert "<strong>Victor Veteran</strong>" not in found.text
    assert "<strong>Victor Veteran</strong>" in page.text
    assert "<html" not in found.text


def test_ticking_with_htmx_and_with_a_plain_post(client, officer_a, event, veteran):
    booking = _book(event, veteran)
    client.force_login(officer_a)
    listing = client.post(
        attend(event, booking), {"attended": "1", "q": "vet"}, HTTP_HX_REQUEST="true"
    )
    assert listing.status_code == 200
    assert "1 here of 1 listed" in listing.text  # the count follows the tick
    assert "matching “vet”" in listing.text
    assert "<html" not in listing.text
    booking.refresh_from_db()
    first_tick = booking.attended_at
    assert first_tick is not None
    client.post(attend(event, booking), {"attended": "1"})  # a double tap
    booking.refresh_from_db()
    assert booking.attended_at == first_tick
    response = client.post(attend(event, booking), {"attended": "0"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.attended_at is None


def test_walk_in_matches_a_known_person_without_changing_or_subscribing_them(
    client, officer_a, event, veteran
):
    client.force_login(officer_a)
    response = client.post(
        door(event),
        {"first_name": "Someone", "last_name": "Else", "email": veteran.email.upper()},
    )
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.person == veteran
    assert booking.attended_at is not None
    assert booking.source == Booking.Source.OFFICER
    veteran.refresh_from_db()
    assert veteran.first_name == "Victor"
    assert not ConsentEvent.objects.exists()


def test_walk_in_without_email_is_a_new_person_here(client, officer_a, clp_a, event):
    client.force_login(officer_a)
    client.post(door(event), {"first_name": "Wanda", "last_name": "Walkin"})
    client.post(door(event), {"first_name": "Xavier", "last_name": "X",
                              "email": "xavier@example.org"})  # fmt: skip
    people = Person.objects.filter(bookings__event=event).order_by("first_name")
    assert [(p.first_name, p.constituency) for p in people] == [
        ("Wanda", clp_a), ("Xavier", clp_a)
    ]  # fmt: skip
    assert Booking.objects.filter(attended_at__isnull=False).count() == 2
    assert not ConsentEvent.objects.exists()


def test_walk_in_form_errors_change_nothing(client, officer_a, event):
    client.force_login(officer_a)
    response = client.post(door(event), {"first_name": "", "last_name": "X",
                                         "email": "nope"})  # fmt: skip
    assert response.status_code == 200
    assert "This field is required" in response.text
    assert "Enter a valid email address" in response.text
    assert not Booking.objects.exists()


def test_officers_of_another_clp_cannot_see_or_check_in(
    client, officer_b, event, veteran
):
    booking = _book(event, veteran)
    client.force_login(officer_b)
    assert client.get(door(event)).status_code == 404
    assert client.post(attend(event, booking), {"attended": "1"}).status_code == 404
    response = client.post(door(event), {"first_name": "A", "last_name": "B"})
    assert response.status_code == 404
    badges = reverse("admin:events_event_badges", args=[event.pk])
    assert client.get(badges).status_code == 404
    booking.refresh_from_db()
    assert booking.attended_at is None
    assert Booking.objects.count() == 1


def test_shared_event_door_shows_each_clp_its_own_people(
    client, officer_a, clp_a, clp_b
):
    event = make_event(clp_a, clp_b)
    theirs = _book(event, factories.PersonFactory(constituency=clp_b,
                                                  last_name="Bandicoot"))  # fmt: skip
    client.force_login(officer_a)
    assert "Bandicoot" not in client.get(door(event)).text
    assert client.post(attend(event, theirs), {"attended": "1"}).status_code == 404


def test_door_list_runs_a_fixed_number_of_queries(client, officer_a, clp_a, event):
    _book(event, member(clp_a))
    client.force_login(officer_a)
    with CaptureQueriesContext(connection) as few:
        client.get(door(event))
    for _ in range(5):
        booking = _book(event, member(clp_a))
        Booking.objects.filter(pk=booking.pk).update(host=member(clp_a))
    with CaptureQueriesContext(connection) as many:
        client.get(door(event))
    assert len(many) == len(few)


def test_badges_pdf_eight_to_a_page():
    badges = [Badge(f"First{n}", f"Last{n}", new_member=n == 0) for n in range(9)]
    pdf = badges_pdf(badges, compress=False)
    assert pdf.startswith(b"%PDF")
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") == 2
    assert b"(First0)" in pdf
    assert b"(Last8)" in pdf
    assert pdf.count(b"(New member)") == 1


def test_officer_prints_badges_for_those_coming(client, officer_a, event, veteran):
    _book(event, veteran)
    client.force_login(officer_a)
    response = client.get(reverse("admin:events_event_badges", args=[event.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_host_must_be_a_current_member(client, officer_a, clp_a, event, newcomer):
    booking = _book(event, newcomer)
    not_member = factories.PersonFactory(constituency=clp_a)
    client.force_login(officer_a)
    url = reverse("admin:events_booking_change", args=[booking.pk])
    response = client.post(url, {"attended_at_0": "", "attended_at_1": "",
                                 "host": not_member.pk})  # fmt: skip
    assert response.status_code == 200
    assert "A host must be a current member" in response.text
    host = member(clp_a)
    response = client.post(url, {"attended_at_0": "", "attended_at_1": "",
                                 "host": host.pk})  # fmt: skip
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.host == host


def test_an_officer_without_booking_rights_sees_the_list_but_cannot_tick(
    client, clp_a, event, veteran
):
    booking = _book(event, veteran)
    treasurer = factories.officer(clp_a, role="treasurer")
    client.force_login(treasurer)
    page = client.get(door(event))
    assert page.status_code == 200
    assert "Victor Veteran" in page.text
    assert "Tick as here" not in page.text
    assert "Add a walk-in" not in page.text
    assert client.post(attend(event, booking), {"attended": "1"}).status_code == 403
    booking.refresh_from_db()
    assert booking.attended_at is None


def test_officer_pairs_a_new_member_with_a_host_on_the_event_page(
    client, officer_a, clp_a, event, newcomer, veteran
):
    from tests.events.conftest import event_admin_form

    booking = _book(event, newcomer)
    url = reverse("admin:events_event_change", args=[event.pk])
    client.force_login(officer_a)
    page = client.get(url)
    assert 'alt="True"' in page.text  # the new member is marked
    not_member = factories.PersonFactory(constituency=clp_a)
    data = event_admin_form(event, constituencies=[clp_a.pk], bookings=[booking])
    refused = client.post(url, {**data, "bookings-0-host": not_member.pk})
    assert refused.status_code == 200
    assert "A host must be a current member" in refused.text
    booking.refresh_from_db()
    assert booking.host is None
    response = client.post(url, {**data, "bookings-0-host": veteran.pk})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.host == veteran
    assert "Host: Victor Veteran" in client.get(door(event)).text


def test_badges_draw_names_beyond_western_european_letters():
    from partyhub import pdf as fonts

    if fonts.unicode_font() is None:
        pytest.skip("no Unicode font on this system")
    content = badges_pdf([Badge("Łukasz", "Wiśniewski")], compress=False)
    # Helvetica would fall back to a ZapfDingbats box for Ł and ś.
    assert b"ZapfDingbats" not in content
    assert b"DejaVuSans" in content
