"""Fixtures and helpers shared by this folder's tests."""

import re
import time

import pytest
from django.urls import reverse

from partyhub.forms import started_token
from tests import factories


@pytest.fixture
def alice(clp_a):
    """A member of A the party knows, with no login yet."""
    return factories.MembershipFactory(
        person=factories.PersonFactory(
            constituency=clp_a, first_name="Alice", email="Alice@Example.org"
        ),
        membership_number="A0000001",
    ).person


NEW_PASSWORD = "a-long-new-password-for-me"


def _claim(client, email, number="", started=None):
    return client.post(
        reverse("accounts:claim"),
        {
            "email": email,
            "membership_number": number,
            "website": "",
            "started": started or started_token(time.time() - 10),
        },
    )


def _link(mail):
    return re.search(r"https?://\S+/accounts/claim/link/\S+/", mail.body).group(0)


def _path(url):
    return re.sub(r"^https?://[^/]+", "", url)
