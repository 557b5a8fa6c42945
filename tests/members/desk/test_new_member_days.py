"""'A new member' is one setting, NEW_MEMBER_DAYS, everywhere: the desk's lists
and welcome, who needs a mentor, and the door list's "new" mark."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Booking
from events.services import rsvp_create, with_new_member_flag
from members.desk.selectors import DESK_LISTS, desk_conditions
from members.desk.services import new_joiners_welcome
from members.models import Membership
from partyhub.comms.models import Reminder
from tests import factories
from tests.events.conftest import make_event


@pytest.fixture
def joined_100_days_ago(clp_a):
    person = factories.PersonFactory(constituency=clp_a)
    factories.MembershipFactory(
        person=person, joined=timezone.localdate() - datetime.timedelta(days=100)
    )
    return person


@pytest.mark.parametrize(("days", "new"), [(30, False), (120, True)])
def test_the_desk_lists_follow_the_setting(settings, joined_100_days_ago, days, new):
    settings.NEW_MEMBER_DAYS = days
    conditions = desk_conditions()
    for name in ("new", "no_mentor", "uncontacted"):
        found = Membership.objects.filter(conditions[name]).filter(
            person=joined_100_days_ago
        )
        assert found.exists() is new, name
    assert str(DESK_LISTS["new"]) == f"New members (last {days} days)"


@pytest.mark.parametrize(("days", "welcomed"), [(30, False), (120, True)])
def test_the_welcome_follows_the_setting(settings, joined_100_days_ago, days, welcomed):
    settings.NEW_MEMBER_DAYS = days
    new_joiners_welcome(person_ids=[joined_100_days_ago.pk])
    assert (
        Reminder.objects.filter(
            kind="members.welcome", person=joined_100_days_ago
        ).exists()
        is welcomed
    )


@pytest.mark.parametrize(("days", "new"), [(30, False), (120, True)])
def test_the_door_list_mark_follows_the_setting(
    settings, clp_a, joined_100_days_ago, days, new
):
    settings.NEW_MEMBER_DAYS = days
    event = make_event(clp_a)
    rsvp_create(
        event=event, person=joined_100_days_ago, answer="yes", source="portal",
        actor=None,
    )  # fmt: skip
    booking = with_new_member_flag(Booking.objects.filter(event=event)).get()
    assert booking.is_new is new


def test_the_desk_page_says_the_window(client, settings, officer_a):
    settings.NEW_MEMBER_DAYS = 45
    client.force_login(officer_a)
    response = client.get(reverse("admin:members_deskmembership_changelist"))
    assert response.status_code == 200
    assert "New members: joined in the last 45 days." in response.text
    assert "Rejoined: came back in the last 45 days." in response.text
    assert "New members (last 45 days)" in response.text


def test_the_door_list_marks_a_rejoiner_as_new_like_the_welcome_does(settings, clp_a):
    settings.NEW_MEMBER_DAYS = 30
    person = factories.PersonFactory(constituency=clp_a)
    factories.MembershipFactory(
        person=person,
        joined=timezone.localdate() - datetime.timedelta(days=3000),
        rejoined_on=timezone.localdate() - datetime.timedelta(days=10),
    )
    event = make_event(clp_a)
    rsvp_create(event=event, person=person, answer="yes", source="portal", actor=None)
    booking = with_new_member_flag(Booking.objects.filter(event=event)).get()
    assert booking.is_new is True


@pytest.mark.parametrize("days", [30, 45])
def test_the_new_members_report_offers_the_new_member_window(
    client, settings, clp_a, days
):
    settings.NEW_MEMBER_DAYS = days
    client.force_login(factories.officer(clp_a, role="membership_secretary"))
    response = client.get(reverse("admin:dashboard_report", args=["new-members"]))
    assert response.status_code == 200
    starts = timezone.localdate() - datetime.timedelta(days=days)
    assert response.context["form"]["starts"].value() == starts


@pytest.mark.parametrize(("days", "listed"), [(30, False), (120, True)])
def test_the_rejoiners_list_follows_the_setting(settings, clp_a, days, listed):
    settings.NEW_MEMBER_DAYS = days
    person = factories.PersonFactory(constituency=clp_a)
    factories.MembershipFactory(
        person=person,
        joined=timezone.localdate() - datetime.timedelta(days=3000),
        rejoined_on=timezone.localdate() - datetime.timedelta(days=100),
    )
    found = Membership.objects.filter(desk_conditions()["rejoiners"], person=person)
    assert found.exists() is listed
    assert str(DESK_LISTS["rejoiners"]) == f"Rejoined (last {days} days)"
