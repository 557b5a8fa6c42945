"""Fixtures and helpers shared by this folder's tests."""

import re
import time

import pytest
from django.urls import reverse

from members.models import Postcode
from supporters.forms import started_token
from supporters.models import HelpOffer
from tests import factories


@pytest.fixture
def places(clp_a, clp_b):
    """Demo-like lookup rows: B8 1AA in Hodge Hill's Washwood Heath ward, RG30 4AB
    in Reading West's Tilehurst ward."""
    ward_a = factories.WardFactory(constituency=clp_a, name="Washwood Heath")
    ward_b = factories.WardFactory(constituency=clp_b, name="Tilehurst")
    Postcode.objects.create(postcode="B8 1AA", ward=ward_a, constituency=clp_a)
    Postcode.objects.create(postcode="RG30 4AB", ward=ward_b, constituency=clp_b)
    return {"a": ward_a, "b": ward_b}


@pytest.fixture
def offers(clp_a, clp_b):
    poster, _ = HelpOffer.objects.get_or_create(
        constituency=None, slug="poster", defaults={"label": "Display a poster"}
    )
    leaflets, _ = HelpOffer.objects.get_or_create(
        constituency=None, slug="leaflets", defaults={"label": "Deliver leaflets"}
    )
    brunch = HelpOffer.objects.create(
        constituency=clp_a, slug="brunch", label="Cook the Sunday team brunch"
    )
    elsewhere = HelpOffer.objects.create(
        constituency=clp_b, slug="punting", label="Punt on the Kennet"
    )
    return {"poster": poster, "leaflets": leaflets, "brunch": brunch, "b": elsewhere}


def form_data(**overrides) -> dict:
    data = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.org",
        "postcode": "b81aa",
        "phone": "",
        "consent_email": "on",
        "website": "",
        "started": started_token(time.time() - 10),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def sign_up(client, django_capture_on_commit_callbacks):
    def post(slug: str | None = "hodge-hill", ip: str = "192.0.2.1", **overrides):
        url = (
            reverse("supporters:join_constituency", args=[slug])
            if slug
            else reverse("supporters:join")
        )
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, form_data(**overrides), REMOTE_ADDR=ip)

    return post


def confirm_path(message) -> str:
    return "/" + re.search(r"supporters/confirm/[^\s/]+/", message.body).group(0)
