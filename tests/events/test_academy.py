"""The academy: graduation needs every seminar and the portfolio; the portfolio is
the political education officer's to mark; graduation is recorded on the Person."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.academy import enrolment_graduate, portfolio_mark_complete
from events.models import Booking, Course, Enrolment, Seminar
from events.services import EventsError
from tests import factories
from tests.events.conftest import make_event, member


@pytest.fixture
def course(clp_a):
    course = Course.objects.create(
        constituency=clp_a, title="Academy 2027",
        starts=datetime.date(2026, 9, 1), ends=datetime.date(2027, 6, 30),
    )  # fmt: skip
    for n in range(3):
        # Monthly seminars already held.
        starts = timezone.now() - datetime.timedelta(days=30 * (3 - n))
        Seminar.objects.create(
            course=course,
            event=make_event(clp_a, title=f"Seminar {n + 1}", starts=starts),
        )
    return course


@pytest.fixture
def pe_officer(clp_a):
    return factories.officer(clp_a, role="political_education")


def _attend(course, person, *numbers):
    for seminar in course.seminars.select_related("event"):
        if int(seminar.event.title.split()[-1]) in numbers:
            Booking.objects.update_or_create(
                event=seminar.event, person=person,
                defaults={"status": "yes", "source": "portal",
                          "attended_at": seminar.event.starts},
            )  # fmt: skip


def test_graduation_requires_every_seminar_and_the_portfolio(course, clp_a,
                                                             pe_officer):  # fmt: skip
    person = member(clp_a)
    enrolment = Enrolment.objects.create(course=course, person=person)
    _attend(course, person, 1, 2)
    with pytest.raises(EventsError) as missing:
        enrolment_graduate(enrolment=enrolment, actor=pe_officer)
    assert "Seminar 3" in str(missing.value)
    assert "portfolio" in str(missing.value)
    # The portfolio alone is not enough.
    enrolment = portfolio_mark_complete(enrolment=enrolment, actor=pe_officer)
    assert enrolment.portfolio_complete
    assert enrolment.graduated_on is None
    # Booked but not ticked at the door does not count.
    Booking.objects.create(event=course.seminars.last().event, person=person,
                           status="yes", source="portal")  # fmt: skip
    with pytest.raises(EventsError, match="Seminar 3"):
        enrolment_graduate(enrolment=enrolment, actor=pe_officer)
    _attend(course, person, 3)
    enrolment = enrolment_graduate(enrolment=enrolment, actor=pe_officer)
    assert enrolment.graduated_on == timezone.localdate()
    person.refresh_from_db()
    assert person.academy_graduated_on == timezone.localdate()


def test_every_seminar_without_portfolio_is_not_enough(course, clp_a, pe_officer):
    person = member(clp_a)
    enrolment = Enrolment.objects.create(course=course, person=person)
    _attend(course, person, 1, 2, 3)
    with pytest.raises(EventsError, match="portfolio"):
        enrolment_graduate(enrolment=enrolment, actor=pe_officer)
    # Marking the portfolio with every seminar attended graduates at once.
    enrolment = portfolio_mark_complete(enrolment=enrolment, actor=pe_officer)
    assert enrolment.graduated_on is not None


def test_only_the_political_education_officer_marks_portfolios(
    course, clp_a, clp_b, officer_a
):
    enrolment = Enrolment.objects.create(course=course, person=member(clp_a))
    other_clps_pe = factories.officer(clp_b, role="political_education")
    for actor in (officer_a, other_clps_pe):  # a secretary; another CLP's officer
        with pytest.raises(EventsError, match="political education officer"):
            portfolio_mark_complete(enrolment=enrolment, actor=actor)
    enrolment.refresh_from_db()
    assert not enrolment.portfolio_complete


def test_course_with_no_seminars_graduates_nobody(clp_a, pe_officer):
    course = Course.objects.create(constituency=clp_a, title="Empty",
        starts=datetime.date(2026, 9, 1), ends=datetime.date(2027, 6, 30))  # fmt: skip
    enrolment = Enrolment.objects.create(course=course, person=member(clp_a))
    portfolio_mark_complete(enrolment=enrolment, actor=pe_officer)
    with pytest.raises(EventsError, match="no seminars"):
        enrolment_graduate(enrolment=enrolment, actor=pe_officer)


def test_admin_list_shows_progress_without_n_plus_one(
    client, course, clp_a, pe_officer, officer_b
):
    person = member(clp_a)
    enrolment = Enrolment.objects.create(course=course, person=person)
    _attend(course, person, 1, 2)
    client.force_login(pe_officer)
    url = reverse("admin:events_enrolment_changelist")
    with CaptureQueriesContext(connection) as few:
        page = client.get(url)
    assert "2 / 3" in page.text
    for _ in range(4):
        other = member(clp_a)
        Enrolment.objects.create(course=course, person=other)
        _attend(course, other, 1)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
    # The action marks the portfolio; another CLP's officer cannot see it.
    client.post(url, {"action": "mark_portfolio_complete",
                      "_selected_action": [enrolment.pk]})  # fmt: skip
    enrolment.refresh_from_db()
    assert enrolment.portfolio_complete
    client.force_login(officer_b)
    change = reverse("admin:events_enrolment_change", args=[enrolment.pk])
    assert client.get(change).status_code == 404
    assert "Academy 2027" not in client.get(url).text


def test_portal_shows_my_course_progress(client, course, member_a):
    Enrolment.objects.create(course=course, person=member_a.person)
    _attend(course, member_a.person, 2)
    client.force_login(member_a)
    page = client.get(reverse("events:my_course"))
    assert page.status_code == 200
    assert "Academy 2027" in page.text
    assert page.text.count("Attended</span>") == 1
    assert page.text.count("Not yet</span>") == 2
    assert "Not marked complete yet" in page.text


def test_enrolments_and_feedback_are_in_the_persons_data_export(course, clp_a):
    from events.models import Feedback
    from partyhub.privacy import export_data

    person = member(clp_a)
    Enrolment.objects.create(course=course, person=person)
    Feedback.objects.create(event=course.seminars.first().event, person=person,
                            rating=4, comment="Useful")  # fmt: skip
    data = export_data(person)
    assert [r["course"] for r in data["academy_enrolments"]] == ["Academy 2027"]
    assert [r["comment"] for r in data["event_feedback"]] == ["Useful"]
    assert export_data(member(clp_a))["academy_enrolments"] == []


def test_a_tick_weeks_before_the_seminar_does_not_count(course, clp_a, pe_officer):
    person = member(clp_a)
    enrolment = Enrolment.objects.create(course=course, person=person)
    _attend(course, person, 1, 2, 3)
    early = course.seminars.get(event__title="Seminar 3").event
    Booking.objects.filter(event=early, person=person).update(
        attended_at=early.starts - datetime.timedelta(days=14)
    )
    portfolio_mark_complete(enrolment=enrolment, actor=pe_officer)
    with pytest.raises(EventsError) as missing:
        enrolment_graduate(enrolment=enrolment, actor=pe_officer)
    assert "Seminar 3" in str(missing.value)
    # Ticked in on the day (arriving an hour early is fine), it counts.
    Booking.objects.filter(event=early, person=person).update(
        attended_at=early.starts - datetime.timedelta(hours=1)
    )
    enrolment_graduate(enrolment=enrolment, actor=pe_officer)
    person.refresh_from_db()
    assert person.academy_graduated_on == timezone.localdate()
