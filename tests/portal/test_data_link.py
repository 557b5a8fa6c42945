"""The emailed "download my data" link: only the person it was made for, logged
in, within a week; everyone else is refused with a page saying so."""

import time
import types

import pytest
from django.urls import reverse

from members.portal import services
from partyhub import links


@pytest.fixture
def link(settings, tmp_path, member_a):
    settings.MEDIA_ROOT = tmp_path
    token = services.data_export_to_file(person_id=member_a.person.pk)
    return reverse("portal:data_file", args=[token])


def test_the_owner_downloads_their_file(client, member_a, link):
    client.force_login(member_a)
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"PK")


def test_another_member_gets_not_found(client, member_b, link):
    client.force_login(member_b)
    response = client.get(link)
    assert response.status_code == 404
    assert "We can't find that page" in response.text
    assert "Content-Disposition" not in response


def test_an_officer_of_the_same_constituency_gets_not_found(client, officer_a, link):
    client.force_login(officer_a)
    response = client.get(link)
    assert response.status_code == 404
    assert "Content-Disposition" not in response


def test_an_anonymous_visitor_is_sent_to_log_in(client, link):
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "Content-Disposition" not in response


def test_after_a_week_the_link_has_expired(client, member_a, link, monkeypatch):
    eight_days_on = time.time() + 8 * 24 * 3600
    monkeypatch.setattr(
        links, "time", types.SimpleNamespace(time=lambda: eight_days_on)
    )
    client.force_login(member_a)
    response = client.get(link)
    assert response.status_code == 410
    assert "This link has expired" in response.text
    assert "ask for a new download" in response.text
    assert reverse("portal:data") in response.text


def test_once_the_file_is_deleted_the_link_is_gone(client, member_a, link, tmp_path):
    for path in (tmp_path / "private" / "exports").iterdir():
        path.unlink()
    client.force_login(member_a)
    response = client.get(link)
    assert response.status_code == 410
    assert "This link is no longer in use" in response.text


def test_a_changed_link_gets_not_found(client, member_a, link):
    client.force_login(member_a)
    response = client.get(link[:-3] + "abc/")
    assert response.status_code == 404
    assert "We can't find that page" in response.text
