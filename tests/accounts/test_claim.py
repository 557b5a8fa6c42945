"""Claiming the account of a Person the party already knows, and the pages that
must not tell whether an address is known."""

import re
import time
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.test import override_settings
from django.urls import reverse

from members.models import Person
from partyhub.accounts import services, tasks
from partyhub.accounts.models import User
from partyhub.audit.models import AuditEntry
from partyhub.forms import started_token
from tests import factories
from tests.accounts.conftest import NEW_PASSWORD, _claim, _link, _path

CSRF = re.compile(
    r'name="csrfmiddlewaretoken" value="[^"]*"|"X-CSRFToken": "[^"]*"|csrftoken=[^;]*'
)


def _same(one, two):
    assert one.status_code == two.status_code
    assert one.get("Location") == two.get("Location")
    assert CSRF.sub("", one.content.decode()) == CSRF.sub("", two.content.decode())


# --- no page tells whether an address is known -------------------------------------


def test_claim_answers_known_and_unknown_addresses_identically(
    client, alice, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = _claim(client, "alice@example.org")
        unknown = _claim(client, "nobody@example.org")
    _same(known, unknown)
    assert known.status_code == 302
    assert known["Location"] == reverse("accounts:claim_sent")
    page = client.get(known["Location"])
    assert "If we know that address, we have sent it a link" in page.text


def test_claim_with_membership_number_answers_identically(client, alice):
    _same(
        _claim(client, "alice@example.org", "A0000001"),
        _claim(client, "alice@example.org", "WRONG"),
    )


def test_password_reset_answers_known_and_unknown_identically(client, member_a):
    url = reverse("account_reset_password")
    known = client.post(url, {"email": member_a.email})
    unknown = client.post(url, {"email": "nobody@example.org"})
    _same(known, unknown)
    assert known.status_code == 302
    _same(client.get(known["Location"]), client.get(unknown["Location"]))


@pytest.mark.parametrize("method", ["get", "post"])
def test_signup_is_closed_for_known_and_unknown_addresses(client, member_a, method):
    url = reverse("account_signup")
    data = {"email": member_a.email, "password1": "x" * 12, "password2": "x" * 12}
    known = getattr(client, method)(url, data if method == "post" else None)
    data["email"] = "nobody@example.org"
    unknown = getattr(client, method)(url, data if method == "post" else None)
    _same(known, unknown)
    assert "No new accounts here" in known.text
    assert not User.objects.filter(email="nobody@example.org").exists()


# --- verification and rate limits ---------------------------------------------------


def test_unverified_address_cannot_log_in(client, db):
    user = factories.UserFactory(verified=False)
    EmailAddress.objects.filter(user=user).update(verified=False)
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_login_failures_trip_allauths_rate_limit(client, member_a):
    url = reverse("account_login")
    for _ in range(5):
        client.post(url, {"login": member_a.email, "password": "wrong"})
    response = client.post(
        url, {"login": member_a.email, "password": factories.PASSWORD}
    )
    assert "Too many failed login attempts" in response.text
    assert "_auth_user_id" not in client.session


def test_claims_per_address_are_limited(client, alice, mailoutbox, eager_tasks):
    for _ in range(3):
        assert _claim(client, "alice@example.org").status_code == 302
    response = _claim(client, "ALICE@example.org")
    assert response.status_code == 429
    assert "Please try again later" in response.text


@override_settings(ACCOUNTS_CLAIMS_PER_IP_PER_HOUR=2)
def test_claims_per_connection_are_limited(client, db):
    assert _claim(client, "one@example.org").status_code == 302
    assert _claim(client, "two@example.org").status_code == 302
    assert _claim(client, "three@example.org").status_code == 429


# --- the happy path -----------------------------------------------------------------


def test_member_claims_account(
    client, alice, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _claim(client, "ALICE@example.org")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["alice@example.org"]
    assert "Set up your account" in mail.subject
    link = _path(_link(mail))

    page = client.get(link)
    assert page.status_code == 200
    assert "Choose your password" in page.text
    assert not User.objects.filter(email="alice@example.org").exists()  # GET is safe

    response = client.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    user = User.objects.get(email="alice@example.org")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.check_password(NEW_PASSWORD)
    alice.refresh_from_db()
    assert alice.user == user
    address = EmailAddress.objects.get(user=user)
    assert address.verified and address.primary
    entry = AuditEntry.objects.get(action="account.claim")
    assert entry.actor == user and entry.object_id == str(alice.pk)

    # and the password works from now on
    client.logout()
    client.post(
        reverse("account_login"),
        {"login": "alice@example.org", "password": NEW_PASSWORD},
    )
    assert client.session["_auth_user_id"] == str(user.pk)


def test_membership_number_picks_the_member(
    client, alice, clp_b, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    factories.PersonFactory(constituency=clp_b, email="alice@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        _claim(client, "alice@example.org", "a0000001")
    link = _path(_link(mailoutbox[0]))
    client.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    alice.refresh_from_db()
    assert alice.user is not None


def test_weak_password_is_refused(client, alice):
    link = reverse(
        "accounts:claim_link",
        args=[services.make_token("account-claim", alice.pk, e="alice@example.org")],
    )
    response = client.post(link, {"password1": "alice", "password2": "alice"})
    assert response.status_code == 200
    assert not User.objects.filter(email="alice@example.org").exists()


# --- the unhappy paths --------------------------------------------------------------


def _run_claim(client, capture, email, number=""):
    with capture(execute=True):
        assert _claim(client, email, number).status_code == 302


def test_unknown_address_gets_no_link(
    client, alice, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    _run_claim(client, django_capture_on_commit_callbacks, "nobody@example.org")
    assert len(mailoutbox) == 1
    assert "/accounts/claim/link/" not in mailoutbox[0].body
    assert "could not find it" in mailoutbox[0].body
    assert User.objects.count() == 0


def test_wrong_membership_number_gets_no_link(
    client, alice, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    _run_claim(
        client, django_capture_on_commit_callbacks, "alice@example.org", "L9999999"
    )
    assert len(mailoutbox) == 1
    assert "/accounts/claim/link/" not in mailoutbox[0].body
    assert "could not find a record with both" in mailoutbox[0].body


def test_same_address_in_two_constituencies_is_never_guessed(
    client, alice, clp_b, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    factories.PersonFactory(constituency=clp_b, email="alice@example.org")
    _run_claim(client, django_capture_on_commit_callbacks, "alice@example.org")
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert "/accounts/claim/link/" not in body
    assert "membership number" in body
    assert not Person.objects.filter(user__isnull=False).exists()


def test_already_claimed_address_is_told_to_log_in(
    client, member_a, mailoutbox, eager_tasks, django_capture_on_commit_callbacks
):
    _run_claim(client, django_capture_on_commit_callbacks, member_a.email.upper())
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert "already has one" in body
    assert reverse("account_reset_password") in body
    assert "/accounts/claim/link/" not in body
    assert User.objects.count() == 1


def test_expired_link_changes_nothing(client, alice):
    link = reverse(
        "accounts:claim_link",
        args=[services.make_token("account-claim", alice.pk, e="alice@example.org")],
    )
    later = time.time() + 25 * 3600
    with mock.patch("django.core.signing.time.time", return_value=later):
        page = client.get(link)
        post = client.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert page.status_code == post.status_code == 410
    assert "This link has expired" in page.text
    assert User.objects.count() == 0


def test_tampered_link_changes_nothing(client, alice):
    token = services.make_token("account-claim", alice.pk, e="alice@example.org")
    for bad in (token[:-2] + "xx", "nonsense", token[:-10]):
        link = reverse("accounts:claim_link", args=[bad])
        response = client.post(
            link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        )
        assert response.status_code == 400
        assert "This link does not work" in response.text
    assert User.objects.count() == 0


def test_link_for_another_purpose_does_not_work(client, alice):
    token = services.make_token("supporter-confirm", alice.pk, e="alice@example.org")
    response = client.get(reverse("accounts:claim_link", args=[token]))
    assert response.status_code == 400


def test_link_works_once(client, alice):
    link = reverse(
        "accounts:claim_link",
        args=[services.make_token("account-claim", alice.pk, e="alice@example.org")],
    )
    first = client.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert first.status_code == 302
    client.logout()
    again = client.post(link, {"password1": "another-password-9", "password2": "x"})
    assert again.status_code == 410
    assert "This link has been used" in again.text
    assert User.objects.count() == 1
    assert User.objects.get().check_password(NEW_PASSWORD)


def test_link_dies_when_the_address_changes(client, alice):
    link = reverse(
        "accounts:claim_link",
        args=[services.make_token("account-claim", alice.pk, e="alice@example.org")],
    )
    Person.objects.filter(pk=alice.pk).update(email="new@example.org")
    assert client.get(link).status_code == 400


def test_claim_task_runs_twice_sends_once(alice, mailoutbox):
    assert tasks.send_claim_email("req-1", "alice@example.org") == "link"
    assert tasks.send_claim_email("req-1", "alice@example.org") == "sent-before"
    assert len(mailoutbox) == 1


def test_claim_form_has_the_bot_traps(
    client, alice, django_capture_on_commit_callbacks
):
    """The public claim form mails a known member: a bot replaying one form's
    stamp, posting at once or filling the honeypot gets the same page, and nothing
    is queued for it."""
    once = started_token(time.time() - 10)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        responses = [
            _claim(client, "alice@example.org", started=once),
            _claim(client, "alice@example.org", started=once),
            _claim(client, "bob@example.org", started=started_token()),
            client.post(
                reverse("accounts:claim"),
                {"email": "carol@example.org", "website": "x",
                 "started": started_token(time.time() - 10)},
            ),
        ]  # fmt: skip
    assert {r.status_code for r in responses} == {302}
    assert {r["Location"] for r in responses} == {reverse("accounts:claim_sent")}
    assert len(queued) == 1  # only the first, genuine post
