"""The officers' weekly digest: opt-in in the portal, once per officer per week,
and, like every digest, only with the officer's email consent."""

import datetime

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from dashboard import digest, tasks
from dashboard.models import DigestSubscription
from members.models import Office
from partyhub.audit.models import AuditEntry
from partyhub.comms.models import Delivery, Reminder
from tests import factories
from tests.helpers import grant_email, send_all_mail

DIGEST = reverse("dashboard:digest")


def _subscribe(client, user, *, consent=True) -> None:
    if consent:
        grant_email(user.person)
    client.force_login(user)
    response = client.post(DIGEST, {"weekly": "on"})
    assert response.status_code == 302


def test_officer_opts_in_and_out_in_the_portal(client, clp_a):
    user = factories.officer(clp_a, role="membership_secretary")
    client.force_login(user)
    assert "weekly digest" in client.get(DIGEST).text
    _subscribe(client, user)
    assert DigestSubscription.objects.filter(person=user.person).exists()
    assert AuditEntry.objects.filter(action="digest.subscribe", actor=user).exists()
    client.post(DIGEST, {})
    assert not DigestSubscription.objects.exists()


def test_a_member_cannot_subscribe(client, member_a):
    client.force_login(member_a)
    response = client.post(DIGEST, {"weekly": "on"})
    assert response.status_code == 200
    assert "for officers" in response.text
    assert not DigestSubscription.objects.exists()


def test_digest_goes_once_per_officer_per_week_even_if_beat_ticks_twice(
    client, party, clp_a, clp_b
):
    a = factories.officer(clp_a, role="membership_secretary")
    b = factories.officer(clp_b, role="membership_secretary")
    factories.officer(clp_a, role="chair")  # did not ask for it
    _subscribe(client, a)
    _subscribe(client, b)
    mail.outbox.clear()

    assert tasks.weekly_digest() == 2
    assert tasks.weekly_digest() == 0  # the second tick of the same Monday
    sent = send_all_mail()
    assert sorted(m.to[0] for m in sent) == sorted([a.email, b.email])
    assert send_all_mail() == []
    body_a = next(m.body for m in sent if m.to == [a.email])
    body_b = next(m.body for m in sent if m.to == [b.email])
    # Hodge Hill has twice Reading West's unconfirmed signups: each sees its own.
    assert "2 Signups waiting for their email to be confirmed" in body_a
    assert "1 Signups waiting for their email to be confirmed" in body_b
    assert "New members: 2" in body_a
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 2

    next_week = timezone.now() + datetime.timedelta(days=7)
    assert digest.digests_schedule(now=next_week) == 2
    assert Reminder.objects.filter(kind=digest.KIND).count() == 4


def test_no_digest_after_the_office_ends(client, clp_a):
    user = factories.officer(clp_a, role="secretary")
    _subscribe(client, user)
    Office.objects.filter(person__user=user).update(ends=timezone.localdate())
    assert tasks.weekly_digest() == 0
    assert send_all_mail() == []


def test_digest_is_scheduled_on_monday_morning_by_beat(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="dashboard.tasks.weekly_digest")
    assert task.crontab.day_of_week == "1" and task.crontab.hour == "7"


def test_no_digest_without_email_consent_and_the_page_says_why(client, clp_a):
    user = factories.officer(clp_a, role="secretary")
    _subscribe(client, user, consent=False)
    page = client.get(DIGEST).text
    assert "You have not agreed to email from the party" in page
    assert reverse("portal:contact") in page
    mail.outbox.clear()
    tasks.weekly_digest()
    assert send_all_mail() == []
    assert not Delivery.objects.filter(status=Delivery.Status.SENT).exists()

    grant_email(user.person)
    assert "You have not agreed to email" not in client.get(DIGEST).text
