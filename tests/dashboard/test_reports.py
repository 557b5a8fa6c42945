"""Reports: scoped, printable, CSV downloads audited."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import ContactLog, Membership
from partyhub.audit.models import AuditEntry
from tests import factories
from tests.dashboard.conftest import days_ago, member
from tests.events.conftest import make_event


def url(key):
    return reverse("admin:dashboard_report", args=[key])


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def people(clp_a, clp_b):
    gone = member(
        clp_a,
        "Lapsedlately",
        status=Membership.Status.LAPSED,
        status_since=days_ago(20),
    )
    ContactLog.objects.create(
        person=gone,
        how=ContactLog.How.CALL,
        outcome=ContactLog.Outcome.WILL_RENEW,
        at=timezone.now() - datetime.timedelta(days=3),
    )
    member(
        clp_a, "Longgone", status=Membership.Status.LAPSED, status_since=days_ago(400)
    )
    member(
        clp_b, "Otherlapsed", status=Membership.Status.LAPSED, status_since=days_ago(20)
    )
    member(clp_a, "Freshjoiner", joined=days_ago(10))
    member(clp_b, "Otherjoiner", joined=days_ago(10))
    return gone


@pytest.mark.parametrize(
    ("key", "present", "absent"),
    [
        ("members-by-ward", {"Lapsedlately", "Freshjoiner"}, {"Otherjoiner"}),
        ("lapsed", {"Lapsedlately"}, {"Longgone", "Otherlapsed", "Freshjoiner"}),
        ("new-members", {"Freshjoiner"}, {"Otherjoiner", "Longgone"}),
    ],
)
def test_reports_are_scoped(client, people, clp_a, key, present, absent):
    client.force_login(factories.officer(clp_a, role="membership_secretary"))
    response = client.get(url(key))
    assert response.status_code == 200
    for name in present:
        assert name in response.text
    for name in absent:
        assert name not in response.text


def test_lapsed_report_shows_last_contact_and_csv_is_audited(client, people, clp_a):
    user = factories.officer(clp_a, role="membership_secretary")
    client.force_login(user)
    response = client.get(url("lapsed"), {"format": "csv"})
    rows = _csv(response)
    assert rows[0][0] == "Name"
    assert len(rows) == 2
    assert rows[1][6] == "Phone call" or rows[1][6]  # how
    assert rows[1][5] == (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    entry = AuditEntry.objects.get(action="report.lapsed.export")
    assert entry.actor == user and entry.row_count == 1 and entry.constituency == clp_a


def test_a_bad_period_says_so_and_shows_nothing(client, people, clp_a):
    client.force_login(factories.officer(clp_a, role="membership_secretary"))
    response = client.get(url("lapsed"), {"starts": "2026-05-01", "ends": "2026-01-01"})
    assert "The end of the period is before its start." in response.text
    assert "Lapsedlately" not in response.text


def test_attendance_counts_who_came(client, clp_a, clp_b):
    past = make_event(
        clp_a, title="Quiz", starts=timezone.now() - datetime.timedelta(days=30)
    )
    regular = factories.PersonFactory(constituency=clp_a, last_name="Regular")
    other = factories.PersonFactory(constituency=clp_b, last_name="Visitor")
    for person in (regular, other):
        past.bookings.create(
            person=person, status="yes", source="officer", attended_at=past.starts
        )
    client.force_login(factories.officer(clp_a, role="social_secretary"))
    rows = _csv(client.get(url("attendance"), {"format": "csv"}))
    assert [r[0].endswith("Regular") for r in rows[1:]] == [True]
    assert rows[1][2] == "1"


def test_members_and_anonymous_cannot_open_reports(client, member_a):
    client.force_login(member_a)
    assert client.get(url("lapsed")).status_code in (302, 403)
    client.logout()
    assert client.get(url("lapsed")).status_code == 302
