"""A database connection cut mid-request (issue 20, finding 10): a read-only page
runs once more on a fresh connection; anything else gets a page that says the
request can be tried again."""

from __future__ import annotations

import psycopg2
import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from partyhub.views import server_error
from supporters.models import SignupRequest
from tests import factories

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True)]


def _cut_connection() -> None:
    """Terminate this process's database connection from another one, as a
    PostgreSQL restart or a failover would."""
    connection.ensure_connection()
    pid = connection.connection.get_backend_pid()
    params = connection.get_connection_params()
    killer = psycopg2.connect(**params)
    try:
        killer.autocommit = True
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        killer.close()


@pytest.fixture
def visitor():
    return Client(raise_request_exception=False)


def test_public_page_is_served_after_its_connection_is_cut(visitor):
    factories.ConstituencyFactory(name="Hodge Hill", slug="hodge-hill")
    _cut_connection()
    response = visitor.get(reverse("home"))
    assert response.status_code == 200
    assert "Hodge Hill" in response.text


def test_officer_list_is_served_after_its_connection_is_cut(visitor):
    clp = factories.ConstituencyFactory(name="Hodge Hill", slug="hodge-hill")
    officer = factories.officer(clp, role="secretary")
    factories.PersonFactory(constituency=clp, last_name="Zephaniah")
    visitor.force_login(officer)
    _cut_connection()
    response = visitor.get(reverse("admin:members_person_changelist"))
    assert response.status_code == 200
    assert "Zephaniah" in response.text


def test_a_post_is_not_retried_and_its_page_says_send_it_again(visitor):
    clp = factories.ConstituencyFactory(name="Hodge Hill", slug="hodge-hill")
    _cut_connection()
    response = visitor.post(
        reverse("supporters:join_constituency", args=[clp.slug]),
        {"first_name": "Ada", "email": "ada@example.org"},
    )
    connection.close()  # as the next request's start would (the test client does not)
    assert response.status_code == 503
    assert "send the form again" in response.text
    assert not SignupRequest.objects.exists()


def test_other_server_errors_say_the_request_can_be_tried_again(rf):
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    text = response.content.decode()
    assert "You can try again" in text
    assert "send the form again" in text


def test_a_database_outage_answers_503_try_again_in_a_minute(rf):
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(rf.get("/"))
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "Please try again in a minute" in response.content.decode()
