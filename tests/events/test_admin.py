"""Events in the officers' admin: each CLP's officers see their events, and for a
shared event only their own people's bookings; counts without N+1."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Booking, Event
from events.services import rsvp_create
from tests import factories
from tests.events.conftest import event_admin_form, make_event


def _book(event, person, answer="yes", guests=0):
    return rsvp_create(
        event=event, person=person, answer=answer, guests=guests,
        source=Booking.Source.PORTAL, actor=None,
    )  # fmt: skip


@pytest.fixture
def shared(clp_a, clp_b):
    event = make_event(clp_a, clp_b, title="Regional forum", capacity=10)
    aardvark = factories.PersonFactory(constituency=clp_a, last_name="Aardvark")
    bandicoot = factories.PersonFactory(constituency=clp_b, last_name="Bandicoot")
    _book(event, aardvark, guests=1)
    _book(event, bandicoot)
    return event


def test_officer_cannot_see_other_constituency_events(client, officer_a, clp_b):
    theirs = make_event(clp_b, title="Reading West quiz")
    client.force_login(officer_a)
    listing = client.get(reverse("admin:events_event_changelist"))
    assert listing.status_code == 200
    assert "Reading West quiz" not in listing.text
    page = client.get(reverse("admin:events_event_change", args=[theirs.pk]))
    assert page.status_code == 404


def test_each_clps_officers_see_only_their_own_peoples_bookings(
    client, officer_a, officer_b, shared
):
    for officer, own, other in (
        (officer_a, "Aardvark", "Bandicoot"),
        (officer_b, "Bandicoot", "Aardvark"),
    ):
        client.force_login(officer)
        page = client.get(reverse("admin:events_event_change", args=[shared.pk]))
        assert page.status_code == 200
        assert own in page.text
        assert other not in page.text
        listing = client.get(reverse("admin:events_booking_changelist"))
        assert own in listing.text
        assert other not in listing.text
        other_row = Booking.objects.get(person__last_name=other)
        url = reverse("admin:events_booking_change", args=[other_row.pk])
        assert client.get(url).status_code == 404


def test_event_list_counts_places_in_a_fixed_number_of_queries(
    client, officer_a, clp_a, shared
):
    client.force_login(officer_a)
    url = reverse("admin:events_event_changelist")
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert response.context["cl"].result_list[0]._places == 3
    for n in range(5):
        event = make_event(clp_a, title=f"Social {n}")
        _book(event, factories.PersonFactory(constituency=clp_a))
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_officer_saving_shared_event_keeps_the_other_clp(
    client, officer_a, clp_a, clp_b, shared
):
    client.force_login(officer_a)
    response = client.post(
        reverse("admin:events_event_change", args=[shared.pk]),
        event_admin_form(
            shared,
            title="Regional forum (renamed)",
            constituencies=[clp_a.pk],
            bookings=Booking.objects.filter(person__constituency=clp_a),
        ),
    )
    assert response.status_code == 302, (
        response.context and response.context["adminform"].form.errors
    )
    shared.refresh_from_db()
    assert shared.title == "Regional forum (renamed)"
    assert set(shared.constituencies.all()) == {clp_a, clp_b}


def test_cancel_action_cancels_the_event(client, officer_a, shared):
    client.force_login(officer_a)
    client.post(
        reverse("admin:events_event_changelist"),
        {"action": "cancel_events", "_selected_action": [shared.pk]},
    )
    shared.refresh_from_db()
    assert shared.status == Event.Status.CANCELLED
