"""The officers' home page: to-do counts that match their lists, coming up,
charts, the app list by task, and the query count as the data grows."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partyhub.audit.models import AuditEntry
from tests import factories
from tests.dashboard.conftest import fill
from tests.events.conftest import make_event

HOME = reverse("admin:index")


def _result_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context_data["cl"].result_count


@pytest.mark.parametrize(
    "role", ["membership_secretary", "secretary", "social_secretary", "chair"]
)
def test_each_todo_count_equals_its_list(client, party, clp_a, clp_b, role):
    seen = {}
    for clp in (clp_a, clp_b):
        client.force_login(factories.officer(clp, role=role))
        response = client.get(HOME)
        assert response.status_code == 200
        todos = response.context["todos"]
        assert todos, "every officer has something on the page"
        for item in todos:
            assert _result_count(client, item.url) == item.count, item.key
            assert f'data-todo="{item.key}">{item.count}<' in response.text
        seen[clp.slug] = {t.key: t.count for t in todos}
    if role == "membership_secretary":
        a, b = seen["hodge-hill"], seen["reading-west"]
        for key in (
            "desk_uncontacted",
            "desk_no_mentor",
            "desk_new_arrears",
            "desk_lapsing",
            "data_requests",
            "unconfirmed_signups",
            "ask_replies",
            "join_requests",
        ):
            assert key in a, key
        # Twice as much of everything in Hodge Hill: nothing leaks across.
        assert a["desk_uncontacted"] == 2 and b["desk_uncontacted"] == 1
        assert a["data_requests"] == 2 and b["data_requests"] == 1
        assert a["unconfirmed_signups"] == 2 and b["unconfirmed_signups"] == 1
        assert a["join_requests"] == 2 and b["join_requests"] == 1
        assert a["ask_replies"] == 1 and b["ask_replies"] == 1


def test_membership_secretary_sees_the_desk_first_social_secretary_events(
    client, party, clp_a
):
    client.force_login(factories.officer(clp_a, role="membership_secretary"))
    todos = client.get(HOME).context["todos"]
    assert todos[0].topic == "desk"
    client.force_login(factories.officer(clp_a, role="social_secretary"))
    response = client.get(HOME)
    assert response.context["chart_keys"][0] == "activity"  # the events' chart leads


def test_superuser_counts_cover_every_constituency(client, party, superuser):
    client.force_login(superuser)
    todos = {t.key: t for t in client.get(HOME).context["todos"]}
    assert todos["data_requests"].count == 3
    assert _result_count(client, todos["data_requests"].url) == 3


def test_officer_without_two_factor_and_members_get_no_home(client, clp_a, member_a):
    client.force_login(factories.officer(clp_a, two_factor=False))
    assert client.get(HOME).status_code == 302
    client.force_login(member_a)
    assert client.get(HOME).status_code in (302, 403)
    client.logout()
    response = client.get(HOME)
    assert response.status_code == 302
    assert reverse("account_login") in client.get(response["Location"])["Location"]


def test_coming_up_shows_places_and_the_door_on_the_day(client, clp_a, clp_b):
    now = timezone.now()
    today_event = make_event(
        clp_a,
        title="Quiz night",
        capacity=40,
        starts=now + datetime.timedelta(minutes=30),
    )
    make_event(clp_b, title="Reading social", capacity=10)
    person = factories.PersonFactory(constituency=clp_a)
    today_event.bookings.create(person=person, status="yes", source="officer", guests=1)
    today_event.bookings.create(
        person=factories.PersonFactory(constituency=clp_a),
        status="waiting",
        source="officer",
    )
    client.force_login(factories.officer(clp_a, role="social_secretary"))
    response = client.get(HOME)
    assert "Quiz night" in response.text
    assert "2 of 40 places taken, 1 on the waiting list" in response.text
    assert reverse("admin:events_event_door", args=[today_event.pk]) in response.text
    assert "Reading social" not in response.text


def test_app_list_is_grouped_by_task(client, clp_a):
    client.force_login(factories.officer(clp_a, role="membership_secretary"))
    response = client.get(HOME)
    assert reverse("admin:apps") in response.text
    response = client.get(reverse("admin:apps"))
    names = [str(g["name"]) for g in response.context["groups"]]
    assert names[0] == "Members"
    assert "Supporters" in names and "Messages" in names
    members = response.context["groups"][0]
    assert "Renewal desk" in [str(m["name"]) for m in members["models"]] or any(
        "desk" in str(m["name"]).lower() for m in members["models"]
    )


def test_chart_csv_is_scoped_and_audited(client, party, clp_a):
    user = factories.officer(clp_a, role="membership_secretary")
    client.force_login(user)
    response = client.get(reverse("admin:dashboard_chart_csv", args=["members"]))
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert len(lines) == 25  # a heading and 24 months
    this_month = (timezone.localdate() - datetime.timedelta(days=5)).strftime("%Y-%m")
    row = next(line for line in lines if line.startswith(this_month))
    assert row.split(",")[1] == "2"  # the two new joiners of Hodge Hill only
    entry = AuditEntry.objects.get(action="dashboard.chart_export")
    assert entry.actor == user
    assert (
        client.get(reverse("admin:dashboard_chart_csv", args=["nope"])).status_code
        == 404
    )


def test_home_page_has_no_inline_style_or_script(client, party, clp_a):
    client.force_login(factories.officer(clp_a, role="chair"))
    page = client.get(HOME).text
    assert "<svg" in page
    assert "style=" not in page
    assert "<script>" not in page


def test_query_count_is_flat_as_the_data_grows(client, clp_a, clp_b, network):
    user = factories.officer(clp_a, role="chair")
    fill(clp_a, scale=1, network=network)
    client.force_login(user)
    client.get(HOME)  # warm caches (content types, permissions)
    cache.clear()  # the charts are cached: count their queries too
    with CaptureQueriesContext(connection) as small:
        assert client.get(HOME).status_code == 200
    fill(clp_a, scale=10, network=network)
    make_event(clp_a, title="More")
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        assert client.get(HOME).status_code == 200
    assert len(large) == len(small)
