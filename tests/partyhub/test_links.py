"""Personal links carry nothing a reader can use: no email address, no id. And a
checkout running with DEBUG has a secret key of its own, never one in the source."""

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import signing
from django.urls import reverse

from partyhub.accounts.services import claim_url
from partyhub.links import LinkInvalid, make_token, read_token
from tests import factories


def _readable(token: str) -> bytes:
    """Whatever base64 decoding of the token's parts gives (how anyone would read a
    django.core.signing link)."""
    out = b""
    for part in token.replace(":", ".").split("."):
        padded = part + "=" * (-len(part) % 4)
        try:
            out += base64.urlsafe_b64decode(padded)
        except ValueError:
            pass
    return out


def test_a_claim_link_shows_neither_the_email_nor_the_id(client, clp_a):
    person = factories.PersonFactory(constituency=clp_a, email="alice@example.org")
    factories.MembershipFactory(person=person)
    url = claim_url(person)
    token = url.rstrip("/").rsplit("/", 1)[1]
    readable = _readable(token)
    assert b"alice" not in readable.lower()
    assert f'"p":{person.pk}'.encode() not in readable
    assert b'"e"' not in readable
    # And it still works for the one person it was made for.
    assert client.get(reverse("accounts:claim_link", args=[token])).status_code == 200


@pytest.mark.parametrize(
    "purpose",
    ["comms-unsubscribe", "events.cancel", "supporter-confirm", "campaigns-survey"],
)
def test_every_link_is_opaque_and_bound_to_its_purpose(purpose):
    token = make_token(purpose, 4242, e="bob@example.org", b=17)
    assert b"bob" not in _readable(token) and b"4242" not in _readable(token)
    assert read_token(token, purpose, max_age=60) == {
        "p": 4242,
        "e": "bob@example.org",
        "b": 17,
    }
    with pytest.raises(LinkInvalid):
        read_token(token, "another-purpose", max_age=60)


def test_links_already_sent_in_the_old_signed_form_still_work():
    old = signing.dumps({"p": 7}, salt="partyhub.link.comms-unsubscribe", compress=True)
    assert read_token(old, "comms-unsubscribe", max_age=60) == {"p": 7}
    with pytest.raises(LinkInvalid):
        read_token(old[:-3] + "abc", "comms-unsubscribe", max_age=60)


def test_debug_secret_key_is_made_per_checkout_and_kept(tmp_path):
    from partyhub.settings import _local_secret_key

    first = _local_secret_key(tmp_path / "var" / "secret_key")
    assert len(first) >= 50
    assert _local_secret_key(tmp_path / "var" / "secret_key") == first
    assert _local_secret_key(tmp_path / "other" / "secret_key") != first
    assert oct((tmp_path / "var" / "secret_key").stat().st_mode)[-3:] == "600"
    source = Path("partyhub/settings.py").read_text()
    assert "insecure-key" not in source


def test_var_is_ignored_by_git():
    assert "/var/" in Path(".gitignore").read_text().split()


def test_production_still_requires_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")} | {
        "DEBUG": "0"
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", "import partyhub.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
