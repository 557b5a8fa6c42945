"""Email digests of new posts: chosen per membership in the portal, sent once a
day or week to those who may be emailed, never twice."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from networks import tasks
from networks.models import (
    Network,
    NetworkDigest,
    NetworkMembership,
    Post,
)
from networks.services import (
    digests_schedule,
    membership_digest_set,
    network_join,
    network_leave,
    post_hide,
    thread_create,
)
from tests.helpers import send_all_mail
from tests.networks.conftest import member


@pytest.fixture
def readers(clp_a, clp_b, governors, coordinator):
    daily = member(clp_a, first_name="Daisy")
    weekly = member(clp_b, first_name="Wendy")
    silent = member(clp_a, first_name="Sil", consent=False)
    none = member(clp_a, first_name="Nora")
    for person, choice in (
        (daily, "daily"),
        (weekly, "weekly"),
        (silent, "daily"),
        (none, "none"),
    ):
        membership = network_join(network=governors, person=person, actor=None)
        membership_digest_set(membership=membership, digest=choice, actor=None)
    # Their digests start from the moment they chose one.
    NetworkMembership.objects.update(
        digest_sent_until=timezone.now() - datetime.timedelta(hours=1)
    )
    return {"daily": daily, "weekly": weekly, "silent": silent, "none": none}


def _post(governors, coordinator, title, body):
    return thread_create(
        network=governors, author=coordinator, title=title, body=body, actor=None
    )


def test_digest_goes_once_to_those_who_asked_and_may_be_emailed(
    governors, coordinator, readers, mailoutbox
):
    _post(governors, coordinator, "Academy conversions", "Our school is converting.")
    assert tasks.send_digests() == 2
    assert tasks.send_digests() == 0  # a second run in the same day: nothing more
    send_all_mail()
    send_all_mail()
    to = sorted(m.to[0] for m in mailoutbox)
    assert to == sorted([readers["daily"].email, readers["weekly"].email])
    mail = mailoutbox[0]
    assert "School governors" in mail.subject
    assert "Academy conversions" in mail.body
    assert "Our school is converting." in mail.body


def test_next_digest_holds_only_newer_posts_and_weekly_waits_a_week(
    governors, coordinator, readers, mailoutbox
):
    _post(governors, coordinator, "First thread", "Old news.")
    now = timezone.now()
    digests_schedule(now=now)
    send_all_mail()
    mailoutbox.clear()
    Post.objects.update(created=now - datetime.timedelta(minutes=5))
    _post(governors, coordinator, "Second thread", "Fresh news.")
    Post.objects.filter(thread__title="Second thread").update(
        created=now + datetime.timedelta(hours=2)
    )
    tomorrow = now + datetime.timedelta(days=1)
    digests_schedule(now=tomorrow)
    send_all_mail(now=tomorrow)
    daily_mail = [m for m in mailoutbox if m.to == [readers["daily"].email]]
    assert len(daily_mail) == 1
    assert "Fresh news." in daily_mail[0].body
    assert "Old news." not in daily_mail[0].body
    weekly = readers["weekly"]
    same_week = (
        timezone.localdate(now).isocalendar()[1]
        == (timezone.localdate(tomorrow).isocalendar()[1])
    )
    weekly_mail = [m for m in mailoutbox if m.to == [weekly.email]]
    assert len(weekly_mail) == (0 if same_week else 1)
    digests_schedule(now=now + datetime.timedelta(days=8))
    assert NetworkDigest.objects.filter(membership__person=weekly).count() == 2


def test_no_digest_without_new_posts_nor_for_own_or_hidden_posts(
    governors, coordinator, readers, mailoutbox
):
    daily = readers["daily"]
    thread = thread_create(
        network=governors, author=daily, title="Mine", body="My own.", actor=None
    )
    assert digests_schedule() == 1  # only Wendy: Daisy wrote it herself
    hidden = _post(governors, coordinator, "Rude", "Something rude")
    post_hide(post=hidden.posts.get(), moderator=coordinator, actor=None)
    NetworkDigest.objects.all().delete()
    NetworkMembership.objects.update(
        digest_sent_until=timezone.now() - datetime.timedelta(hours=1)
    )
    mailoutbox.clear()
    digests_schedule()
    send_all_mail()
    assert all("Something rude" not in m.body for m in mailoutbox)
    assert thread.pk


def test_consent_withdrawn_before_sending_stops_the_digest(
    governors, coordinator, readers, mailoutbox
):
    from partyhub.comms.consent import consent_record
    from partyhub.comms.models import Channel, Method

    _post(governors, coordinator, "News", "Some news.")
    digests_schedule()
    consent_record(
        person=readers["daily"],
        channel=Channel.EMAIL,
        granted=False,
        method=Method.PORTAL,
    )
    send_all_mail()
    assert [m.to for m in mailoutbox] == [[readers["weekly"].email]]


def test_member_chooses_a_digest_in_the_portal(client, member_a, governors):
    membership = network_join(network=governors, person=member_a.person, actor=member_a)
    client.force_login(member_a)
    page = client.get(reverse("networks:mine"))
    assert "Email me new posts" in page.text
    url = reverse("networks:digest", args=[membership.pk])
    client.post(url, {"digest": "weekly"})
    membership.refresh_from_db()
    assert membership.digest == "weekly"
    assert membership.digest_sent_until is not None
    client.post(url, {"digest": "hourly"})
    membership.refresh_from_db()
    assert membership.digest == "weekly"
    assert (
        "Choose one of the digest options" in client.get(reverse("networks:mine")).text
    )


def test_nobody_changes_someone_elses_digest(client, member_a, member_b, governors):
    membership = network_join(network=governors, person=member_b.person, actor=member_b)
    client.force_login(member_a)
    response = client.post(
        reverse("networks:digest", args=[membership.pk]), {"digest": "daily"}
    )
    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.digest == "none"


def test_digest_schedule_row_exists(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="networks.tasks.send_digests")
    assert task.crontab.hour == "7"


def test_my_networks_page_takes_a_fixed_number_of_queries(
    client, member_a, clp_a, coordinator, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def network(i):
        n = Network.objects.create(name=f"Network {i}")
        n.constituencies.add(clp_a)
        network_join(network=n, person=member_a.person, actor=None)
        n.coordinators.add(coordinator)
        thread_create(
            network=n, author=coordinator, title=f"T{i}", body="x", actor=None
        )
        Network.objects.create(name=f"Joinable {i}").constituencies.add(clp_a)

    network(0)
    client.force_login(member_a)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("networks:mine"))
    for i in range(1, 6):
        network(i)
    with django_assert_max_num_queries(len(few)):
        page = client.get(reverse("networks:mine"))
    assert "T5" in page.text and "Joinable 5" in page.text


def test_turning_the_digest_back_on_brings_only_what_is_new(
    clp_a, governors, coordinator, mailoutbox
):
    import datetime

    from networks.services import digests_schedule, membership_digest_set
    from tests.helpers import send_all_mail
    from tests.networks.conftest import member

    reader = member(clp_a, first_name="Daisy")
    membership = network_join(network=governors, person=reader, actor=None)
    membership_digest_set(membership=membership, digest="daily", actor=None)
    # Digests went out until an hour ago; then Daisy turned them off.
    NetworkMembership.objects.update(
        digest_sent_until=timezone.now() - datetime.timedelta(hours=1)
    )
    membership_digest_set(membership=membership, digest="none", actor=None)
    thread_create(
        network=governors,
        author=coordinator,
        title="While away",
        body="Old news.",
        actor=None,
    )
    Post.objects.update(created=timezone.now() - datetime.timedelta(minutes=5))
    membership_digest_set(membership=membership, digest="daily", actor=None)
    thread_create(
        network=governors,
        author=coordinator,
        title="Back again",
        body="Fresh news.",
        actor=None,
    )
    assert digests_schedule() == 1
    send_all_mail()
    assert len(mailoutbox) == 1
    assert "Fresh news." in mailoutbox[0].body
    assert "Old news." not in mailoutbox[0].body


def test_rejoining_brings_a_digest_of_only_what_is_new(
    clp_a, governors, coordinator, mailoutbox
):
    import datetime

    from networks.services import digests_schedule, membership_digest_set
    from tests.helpers import send_all_mail
    from tests.networks.conftest import member

    reader = member(clp_a, first_name="Daisy")
    membership = network_join(network=governors, person=reader, actor=None)
    membership_digest_set(membership=membership, digest="daily", actor=None)
    NetworkMembership.objects.update(
        digest_sent_until=timezone.now() - datetime.timedelta(hours=1)
    )
    network_leave(network=governors, person=reader, actor=None)
    thread_create(
        network=governors, author=coordinator, title="Gone", body="Old.", actor=None
    )
    Post.objects.update(created=timezone.now() - datetime.timedelta(minutes=5))
    network_join(network=governors, person=reader, actor=None)
    thread_create(
        network=governors, author=coordinator, title="Back", body="New.", actor=None
    )
    assert digests_schedule() == 1
    send_all_mail()
    assert "New." in mailoutbox[0].body and "Old." not in mailoutbox[0].body
