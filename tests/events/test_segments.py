"""The "booked on these events" segment criterion."""

from events.models import Booking
from events.segments import BOOKED_KEY
from partyhub.comms.segments import get_criterion, segment_people
from tests.events.conftest import make_event, member


def test_booked_segment_selects_people_booked_on_the_event(clp_a, clp_b, officer_a):
    event = make_event(clp_a, clp_b)
    other = make_event(clp_a)
    coming, maybe, waiting, said_no, cancelled, elsewhere = (
        member(clp_a) for _ in range(6)
    )
    for person, status in (
        (coming, "yes"),
        (maybe, "maybe"),
        (waiting, "waiting"),
        (said_no, "no"),
        (cancelled, "cancelled"),
    ):
        Booking.objects.create(
            event=event, person=person, status=status, source="portal"
        )
    Booking.objects.create(event=other, person=elsewhere, status="yes", source="portal")
    people = segment_people(
        constituency=clp_a, criteria_values={BOOKED_KEY: [event.pk]}
    )
    assert set(people) == {coming, maybe, waiting}
    # An officer is offered only their own constituencies' events.
    theirs = make_event(clp_b)
    choices = get_criterion(BOOKED_KEY).field(officer_a).queryset
    assert event in choices
    assert theirs not in choices
