"""Redis stopped (issue 20, finding 5): the public forms answer a clear page, never
a server error. The cache is a throwaway redis-server of the test's own, stopped
half-way; the shared Redis is never touched.

Forms that count attempts in the cache (partyhub.ratelimit) keep working, counting
per process with a stricter allowance; anything else that needs the cache (allauth's
login limits) answers 503 "try again in a minute".
"""

from __future__ import annotations

import datetime
import time

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from kombu.exceptions import OperationalError

from campaigns.models import (
    Campaign,
    Petition,
    Question,
    Response,
    StreetReport,
    Survey,
)
from events.models import Event
from members.models import Postcode
from partyhub import ratelimit
from supporters import tasks as supporters_tasks
from supporters.forms import started_token
from supporters.models import SignupRequest
from tests import factories
from tests.events.conftest import make_event
from tests.faults import throwaway_redis

pytestmark = pytest.mark.fault


@pytest.fixture
def redis_cache():
    """CACHES pointed at a redis-server of the test's own; yields its stop()."""
    with throwaway_redis() as server:
        caches = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": server.url,
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            }
        }
        with override_settings(CACHES=caches):
            yield server


@pytest.fixture
def visitor():
    # See the page a visitor would get, not the exception.
    return Client(raise_request_exception=False)


@pytest.fixture
def places(clp_a):
    ward = factories.WardFactory(constituency=clp_a, name="Washwood Heath")
    Postcode.objects.create(postcode="B8 1AA", ward=ward, constituency=clp_a)
    return ward


@pytest.fixture
def campaign(clp_a):
    campaign = Campaign.objects.create(
        name="Save the library", starts=datetime.date(2026, 9, 1)
    )
    campaign.constituencies.set([clp_a])
    return campaign


def _down(server) -> None:
    cache.set("up", 1)  # the cache worked before
    assert cache.get("up") == 1
    server.stop()


def test_supporters_signup_is_stored_while_redis_is_down(
    redis_cache, visitor, clp_a, places, monkeypatch, django_capture_on_commit_callbacks
):
    _down(redis_cache)

    def broker_down(*args, **kwargs):
        # The same Redis is the Celery broker in production.
        raise OperationalError("Error 111 connecting to Redis. Connection refused.")

    monkeypatch.setattr(supporters_tasks.send_confirmation, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = visitor.post(
            reverse("supporters:join_constituency", args=[clp_a.slug]),
            {
                "first_name": "Ada",
                "last_name": "Lovelace",
                "email": "ada@example.org",
                "postcode": "b81aa",
                "consent_email": "on",
                "website": "",
                "started": started_token(time.time() - 10),
            },
        )
    assert len(callbacks) == 1  # the confirmation email was tried, not lost:
    # the ten-minute sweep sends it once the broker is back.
    assert response.status_code == 302
    assert response["Location"] == reverse("supporters:check_email")
    assert SignupRequest.objects.filter(email="ada@example.org").exists()


def test_per_process_allowance_is_stricter_while_redis_is_down(
    redis_cache, visitor, clp_a, places, settings
):
    settings.SUPPORTERS_SIGNUPS_PER_IP_PER_HOUR = 8
    _down(redis_cache)
    ratelimit._local_counts.clear()
    url = reverse("supporters:join_constituency", args=[clp_a.slug])
    statuses = [
        visitor.post(url, {"email": "x"}, REMOTE_ADDR="198.51.100.7").status_code
        for _ in range(3)
    ]
    # A quarter of the shared allowance of 8 in this process: the third is refused.
    assert statuses == [302, 302, 429]
    assert "try again" in visitor.post(url, {}, REMOTE_ADDR="198.51.100.7").text


def test_petition_survey_rsvp_and_claim_forms_work_while_redis_is_down(
    redis_cache, visitor, clp_a, places, campaign, mailoutbox
):
    petition = Petition.objects.create(
        constituency=clp_a,
        campaign=campaign,
        slug="save-the-library",
        title="Save the library",
        text="Keep the library open.",
        target=500,
        status=Petition.Status.OPEN,
    )
    survey = Survey.objects.create(
        constituency=clp_a,
        campaign=campaign,
        title="Our streets",
        slug="our-streets",
        status=Survey.Status.OPEN,
    )
    question = Question.objects.create(
        survey=survey, order=1, text="Anything else?", kind="text"
    )
    event = make_event(clp_a, audience=Event.Audience.PUBLIC)
    _down(redis_cache)

    signed = visitor.post(
        reverse("campaigns:petition", args=[petition.slug]),
        {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.org",
         "postcode": "b8 1aa", "website": "",
         "started": started_token(time.time() - 10)},
    )  # fmt: skip
    assert signed.status_code == 302
    # Waiting for the address to confirm it (a public form never writes to a
    # known person directly), stored although the cache is down.
    assert SignupRequest.objects.filter(email="ada@example.org").exists()

    answered = visitor.post(
        reverse("campaigns:survey", args=[survey.slug]),
        {
            f"q{question.pk}": "More buses",
            "postcode": "b8 1aa",
            "website": "",
            "started": started_token(time.time() - 10),
        },
    )
    assert answered.status_code == 302
    assert Response.objects.count() == 1

    booked = visitor.post(
        reverse("events:detail", args=[event.pk]),
        {"first_name": "Vera", "last_name": "V", "guests": "0",
         "email": "vera@example.org", "website": "",
         "started": started_token(time.time() - 10)},
    )  # fmt: skip
    assert booked.status_code in (200, 302)
    assert SignupRequest.objects.filter(email="vera@example.org").exists()

    claimed = visitor.post(
        reverse("accounts:claim"),
        {"email": "nobody@example.org", "membership_number": ""},
    )
    assert claimed.status_code == 302


def test_street_watch_report_is_made_while_redis_is_down(
    redis_cache, visitor, member_a, places
):
    visitor.force_login(member_a)
    _down(redis_cache)
    response = visitor.post(
        reverse("campaigns:street_reports"),
        {"category": "rubbish", "description": "Mattresses dumped.",
         "location": "Behind the shops", "postcode": "b8 1aa"},
        follow=True,
    )  # fmt: skip
    assert response.status_code == 200
    assert "we have your report" in response.text
    assert StreetReport.objects.count() == 1


def test_login_says_try_again_in_a_minute_while_redis_is_down(
    redis_cache, visitor, member_a
):
    _down(redis_cache)
    response = visitor.post(
        reverse("account_login"),
        {"login": member_a.email, "password": "wrong password"},
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "Please try again in a minute" in response.text
    assert "Server Error" not in response.text


def test_a_hung_redis_does_not_hold_the_signup_form(visitor, clp_a, places):
    """Redis accepts the connection and never answers: the form gives up after
    the cache's one-second timeout and carries on."""
    import socket

    from tests.faults import free_port

    with socket.socket() as hung:
        hung.bind(("127.0.0.1", free_port()))
        hung.listen(8)  # the kernel completes connections nobody ever serves
        port = hung.getsockname()[1]
        caches = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{port}/0",
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            }
        }
        with override_settings(CACHES=caches):
            response = visitor.post(
                reverse("supporters:join_constituency", args=[clp_a.slug]),
                {"first_name": "Ada", "last_name": "Lovelace",
                 "email": "ada@example.org", "postcode": "b81aa",
                 "consent_email": "on", "website": "",
                 "started": started_token(time.time() - 10)},
            )  # fmt: skip
    assert response.status_code == 302
    assert SignupRequest.objects.filter(email="ada@example.org").exists()


def test_production_cache_settings_give_up_after_a_second():
    from django.conf import settings

    options = settings.CACHES["default"].get("OPTIONS", {})
    assert options.get("socket_connect_timeout") == 1
    assert options.get("socket_timeout") == 1
