"""Every personal link that no longer works answers with the one shared page:
410 Gone when it expired, was used or what it was for is gone (400 when it was
altered), saying that nothing changed and what to do next."""

import re

import pytest
from django.urls import reverse

from members.portal import services as portal_services
from partyhub.links import make_token
from supporters.models import SignupRequest
from tests import factories


def _what_next(response) -> str:
    return re.search(r"What to do next</h2>\s*<p>([^<]+)</p>", response.text).group(1)


def test_a_purged_signup_link_is_gone_with_a_way_back(client, clp_a):
    request = SignupRequest.objects.create(
        email="ada@example.org", data={"email": "ada@example.org"}
    )
    from supporters.signup import confirm_url

    path = confirm_url(request).split("://", 1)[1].split("/", 1)[1]
    request.delete()
    response = client.get("/" + path)
    assert response.status_code == 410
    assert "This link is no longer in use" in response.text
    assert "Nothing has been changed" in response.text
    assert "fill in the form again" in _what_next(response)
    assert reverse("supporters:join") in response.text


def test_an_expired_download_link_is_410_with_the_way_to_a_new_one(
    client, member_a, settings, monkeypatch
):
    token = make_token(portal_services.EXPORT_LINK_PURPOSE, member_a.person.pk, f="x")
    monkeypatch.setattr(portal_services, "EXPORT_LINK_MAX_AGE", -1)
    client.force_login(member_a)
    response = client.get(reverse("portal:data_file", args=[token]))
    assert response.status_code == 410
    assert "This link has expired" in response.text
    assert "ask for a new download" in _what_next(response)
    assert reverse("portal:data") in response.text


def test_an_expired_street_photo_link_is_410_not_404(client, clp_a, monkeypatch):
    from campaigns.services import streetwatch

    token = make_token(streetwatch.STREET_PHOTO_PURPOSE, 1, r=1)
    monkeypatch.setattr(streetwatch, "STREET_PHOTO_LINK_MAX_AGE_SECONDS", -1)
    response = client.get(reverse("campaigns:street_photo", args=[token]))
    assert response.status_code == 410
    assert "send you the report" in _what_next(response)


@pytest.mark.parametrize("altered", [True, False])
def test_an_unsubscribe_link_problem_uses_the_shared_page(client, clp_a, altered):
    from partyhub.comms.rendering import UNSUBSCRIBE_PURPOSE

    person = factories.PersonFactory(constituency=clp_a)
    token = make_token(UNSUBSCRIBE_PURPOSE, person.pk, t="", c=clp_a.pk)
    if altered:
        token = token[:-4] + "xxxx"
    else:
        from django.test import override_settings

        with override_settings(COMMS_LINK_MAX_AGE_SECONDS=-1):
            response = client.get(reverse("comms:unsubscribe", args=[token]))
            assert response.status_code == 410
            assert "What to do next" in response.text
            return
    response = client.get(reverse("comms:unsubscribe", args=[token]))
    assert response.status_code == 400
    assert "This link does not work" in response.text
    assert "What to do next" in response.text
