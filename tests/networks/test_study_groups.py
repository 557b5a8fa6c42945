"""Study groups: a network kind with a reading list and meetings that are events."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from networks.models import Network, ReadingItem, StudyMeeting
from networks.services import network_join


def make_event(*constituencies, title, days=7, status=Event.Status.PUBLISHED):
    starts = timezone.now() + datetime.timedelta(days=days)
    event = Event.objects.create(
        kind=Event.Kind.TRAINING,
        title=title,
        venue="Library",
        starts=starts,
        ends=starts + datetime.timedelta(hours=2),
        status=status,
    )
    event.constituencies.add(*constituencies)
    return event


@pytest.fixture
def study_group(clp_a, clp_b):
    group = Network.objects.create(
        name="Tawney reading group", kind=Network.Kind.STUDY_GROUP
    )
    group.constituencies.add(clp_a, clp_b)
    return group


def test_members_see_the_reading_list_in_order_and_published_meetings(
    client, clp_a, member_a, study_group
):
    network_join(network=study_group, person=member_a.person, actor=member_a)
    ReadingItem.objects.create(
        network=study_group, order=2, title="Equality", author="R. H. Tawney"
    )
    ReadingItem.objects.create(
        network=study_group,
        order=1,
        title="The Acquisitive Society",
        author="R. H. Tawney",
        link="https://example.org/acquisitive",
        notes="Chapters 1-3 first.",
    )
    soon = make_event(clp_a, title="Session one: property")
    past = make_event(clp_a, title="Introductions", days=-7)
    draft = make_event(clp_a, title="Not yet decided", status=Event.Status.DRAFT)
    for event in (soon, past, draft):
        StudyMeeting.objects.create(network=study_group, event=event)
    client.force_login(member_a)
    page = client.get(reverse("networks:detail", args=[study_group.pk]))
    text = page.text
    assert text.index("The Acquisitive Society") < text.index("Equality")
    assert "https://example.org/acquisitive" in text
    assert "Chapters 1-3 first." in text
    assert reverse("events:detail", args=[soon.pk]) in text
    assert "Introductions" in text  # under past meetings
    assert text.index("Session one") < text.index("Past meetings")
    assert "Not yet decided" not in text
    mine = client.get(reverse("networks:mine")).text
    assert "Study group" in mine


def test_outsider_cannot_see_a_study_groups_page(client, member_a, study_group):
    ReadingItem.objects.create(network=study_group, title="Equality")
    client.force_login(member_a)
    page = client.get(reverse("networks:detail", args=[study_group.pk]))
    assert page.status_code == 404


def _network_form(group, clp, **extra):
    return {
        "name": group.name,
        "kind": "study_group",
        "topic": "",
        "description": "",
        "constituencies": [clp.pk],
        "open_to": "members",
        "joining": "open",
        "networkcoordinator_set-TOTAL_FORMS": "0",
        "networkcoordinator_set-INITIAL_FORMS": "0",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "reading_list-TOTAL_FORMS": "1",
        "reading_list-INITIAL_FORMS": "0",
        "reading_list-MIN_NUM_FORMS": "0",
        "reading_list-MAX_NUM_FORMS": "1000",
        "reading_list-0-order": "1",
        "reading_list-0-title": "Equality",
        "reading_list-0-author": "R. H. Tawney",
        "reading_list-0-link": "",
        "reading_list-0-notes": "",
        "meetings-TOTAL_FORMS": "1",
        "meetings-INITIAL_FORMS": "0",
        "meetings-MIN_NUM_FORMS": "0",
        "meetings-MAX_NUM_FORMS": "1000",
        **extra,
    }


def test_officer_adds_reading_and_meetings_in_the_admin_with_own_clps_events_only(
    client, officer_a, officer_b, clp_a, clp_b, study_group
):
    own = make_event(clp_a, title="Session one")
    others = make_event(clp_b, title="Reading West only")
    url = reverse("admin:networks_network_change", args=[study_group.pk])
    client.force_login(officer_a)
    page = client.get(url)
    assert "Reading West only" not in page.text
    # Events are chosen by search-as-you-type, which finds only CLP A's.
    found = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "",
            "app_label": "networks",
            "model_name": "studymeeting",
            "field_name": "event",
        },
    ).json()["results"]
    assert [r["text"] for r in found] == ["Session one"]
    response = client.post(
        url, _network_form(study_group, clp_a, **{"meetings-0-event": others.pk})
    )
    assert response.status_code == 200  # refused: not one of CLP A's events
    assert "is not one of yours" in response.text
    assert not StudyMeeting.objects.exists()
    assert not ReadingItem.objects.exists()
    response = client.post(
        url,
        _network_form(
            study_group,
            clp_a,
            **{"meetings-0-event": own.pk, "meetings-0-topic": "Property"},
        ),
    )
    assert response.status_code == 302, response.text[:3000]
    assert StudyMeeting.objects.get().event == own
    assert ReadingItem.objects.get().title == "Equality"
    # CLP B's officer sees the group, but bad input for a link is refused clearly.
    client.force_login(officer_b)
    response = client.post(
        url,
        _network_form(
            study_group,
            clp_b,
            **{
                "reading_list-0-link": "not a link",
                "meetings-TOTAL_FORMS": "0",
            },
        ),
    )
    assert response.status_code == 200
    assert "Enter a valid URL" in response.text
    assert ReadingItem.objects.count() == 1
