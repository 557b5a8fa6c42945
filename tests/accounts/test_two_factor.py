"""Officers reach the admin only with two-factor set up, and only while in office."""

import datetime

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from members.models import Office
from partyhub.accounts import tasks
from partyhub.accounts.adapter import MFAAdapter
from partyhub.audit.models import AuditEntry
from tests import factories

ACTIVATE = reverse("mfa_activate_totp")


@pytest.fixture
def officer_no_2fa(clp_a):
    return factories.officer(clp_a, two_factor=False, last_name="Secretary")


def _admin_urls(officer):
    return [
        reverse("admin:index"),
        reverse("admin:app_list", args=["members"]),
        reverse("admin:members_person_changelist"),
        reverse("admin:members_person_change", args=[officer.person.pk]),
        reverse("admin:audit_auditentry_changelist"),
        reverse("admin:autocomplete") + "?app_label=members&model_name=person",
        reverse("admin:login"),
    ]


def test_officer_without_two_factor_is_sent_to_set_it_up(client, officer_no_2fa):
    client.force_login(officer_no_2fa)
    for url in _admin_urls(officer_no_2fa):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == ACTIVATE, url
    page = client.get(ACTIVATE, follow=True)
    assert "must protect their login with an authenticator app" in page.text


def test_officer_without_two_factor_cannot_post_to_the_admin(client, officer_no_2fa):
    client.force_login(officer_no_2fa)
    person = officer_no_2fa.person
    response = client.post(
        reverse("admin:members_person_change", args=[person.pk]),
        {"first_name": "Changed", "last_name": "Changed"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.first_name != "Changed"


def test_officer_with_two_factor_opens_the_admin(client, officer_a):
    client.force_login(officer_a)
    for url in _admin_urls(officer_a)[:-2]:
        assert client.get(url).status_code == 200, url


def test_superuser_needs_two_factor_too(client, db):
    organiser = factories.UserFactory(is_superuser=True, totp=False)
    client.force_login(organiser)
    assert client.get(reverse("admin:index"))["Location"] == ACTIVATE
    factories.give_totp(organiser)
    assert client.get(reverse("admin:index")).status_code == 200


def test_superuser_fixture_opens_the_admin(client, superuser):
    client.force_login(superuser)
    assert client.get(reverse("admin:index")).status_code == 200


def test_plain_member_never_reaches_the_admin(client, member_a):
    factories.give_totp(member_a)  # two-factor alone opens nothing
    client.force_login(member_a)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.status_code == 403
    assert client.get(reverse("admin:members_person_changelist")).status_code == 302


def test_anonymous_admin_goes_to_the_account_login(client, db):
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))


def test_officer_cannot_remove_two_factor_while_in_office(officer_a, member_a):
    adapter = MFAAdapter()
    assert not adapter.can_delete_authenticator(
        Authenticator.objects.get(user=officer_a, type="totp")
    )
    assert adapter.can_delete_authenticator(factories.give_totp(member_a))


# --- logging in ---------------------------------------------------------------------


def test_officer_login_asks_for_the_code_then_opens_the_admin(client, officer_a):
    response = client.post(
        reverse("account_login") + "?next=/admin/",
        {"login": officer_a.email, "password": factories.PASSWORD},
    )
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302
    response = client.post(reverse("mfa_authenticate"), {"code": factories.totp_code()})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer_a.pk)
    assert client.get(reverse("admin:index")).status_code == 200


def test_officer_without_two_factor_sets_it_up_after_login(client, officer_no_2fa):
    response = client.post(
        reverse("account_login"),
        {"login": officer_no_2fa.email, "password": factories.PASSWORD},
    )
    assert client.session["_auth_user_id"] == str(officer_no_2fa.pk)
    assert client.get(reverse("admin:index"))["Location"] == ACTIVATE
    # allauth asks for the password again before changing two-factor settings
    response = client.get(ACTIVATE)
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(response["Location"], {"password": factories.PASSWORD})
    assert client.get(ACTIVATE).status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post(ACTIVATE, {"code": factories.totp_code(secret)})
    assert response.status_code == 302
    codes = client.get(response["Location"])
    assert "Continue to the admin" in codes.text
    assert client.get(reverse("admin:index")).status_code == 200


# --- ending an office ---------------------------------------------------------------


def _end_office(user, day=None):
    Office.objects.filter(person__user=user).update(ends=day or timezone.localdate())


def test_ending_an_office_closes_the_admin_on_the_next_request(client, officer_a):
    client.force_login(officer_a)
    assert client.get(reverse("admin:index")).status_code == 200
    _end_office(officer_a)
    response = client.get(reverse("admin:members_person_changelist"))
    assert response.status_code == 302
    assert client.get(reverse("admin:index"), follow=True).status_code == 403


def test_beat_task_logs_out_people_whose_office_ended(officer_a, officer_b):
    browsers = [Client(), Client()]
    for browser in browsers:
        browser.force_login(officer_a)
    other = Client()
    other.force_login(officer_b)
    _end_office(officer_a)

    assert tasks.offices_ended_logout() == 1
    assert tasks.offices_ended_logout() == 0  # runs twice, acts once

    for browser in browsers:
        response = browser.get(reverse("admin:index"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
        assert "_auth_user_id" not in browser.session
    assert other.get(reverse("admin:index")).status_code == 200
    entry = AuditEntry.objects.get(action="account.admin_access_ended")
    assert entry.actor is None
    assert entry.object_id == str(officer_a.person.pk)
    assert entry.detail["sessions_deleted"] == 2
    assert entry.constituency_id == officer_a.person.offices.get().constituency_id


def test_beat_task_spares_someone_still_in_another_office(client, officer_a, clp_b):
    factories.OfficeFactory(person=officer_a.person, constituency=clp_b)
    client.force_login(officer_a)
    Office.objects.filter(person__user=officer_a, constituency=clp_b).update(
        ends=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert tasks.offices_ended_logout() == 0
    assert client.get(reverse("admin:index")).status_code == 200


def test_beat_schedule_exists(db):
    task = PeriodicTask.objects.get(task="partyhub.accounts.tasks.offices_ended_logout")
    assert task.enabled and task.crontab is not None
