"""One domain error (issue 23.3): every app's readable error is a
partyhub.errors.DomainError, shown with message_of, never by joining
`exc.messages` by hand."""

from __future__ import annotations

import pathlib
import re

import pytest
from django.urls import reverse

from partyhub.errors import DomainError, message_of

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _app_errors():
    from campaigns.services import CampaignsError
    from events.services import EventsError
    from members.desk.services import MentorFull
    from members.imports.reading import ImportFileError
    from members.imports.services import ImportApplyError
    from members.services import PostcodeFileError
    from members.transfers import TransferError
    from networks.services import NetworkError
    from partyhub.comms.services import MessageStateError
    from partyhub.dataprotection.tps import TpsFileError
    from partyhub.personal_data.services import DataRequestError
    from supporters.services import SupportersError

    return [
        CampaignsError, EventsError, MentorFull, ImportFileError, ImportApplyError,
        PostcodeFileError, TransferError, NetworkError, MessageStateError,
        TpsFileError, DataRequestError, SupportersError,
    ]  # fmt: skip


@pytest.mark.parametrize("error", _app_errors(), ids=lambda e: e.__name__)
def test_each_apps_error_is_a_domain_error_that_reads_as_a_sentence(error):
    exc = error("Nothing was changed.")
    assert isinstance(exc, DomainError)
    assert message_of(exc) == "Nothing was changed."
    # A command or a stored problem shows the sentence, not a list's repr.
    assert str(exc) == "Nothing was changed."


def test_no_code_joins_the_messages_itself():
    joined = re.compile(r"\.join\((str\(m\) for m in )?\w+\.messages\)")
    offenders = [
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.py")
        if ".venv" not in path.parts
        and path != ROOT / "partyhub" / "errors.py"
        and joined.search(path.read_text())
    ]
    assert offenders == []


def test_a_refusal_reads_the_same_in_the_admin(client, clp_a, officer_a):
    """An officer's admin action refused by a service shows its sentence."""
    from events.models import Event
    from tests.events.conftest import make_event

    event = make_event(clp_a, status=Event.Status.CANCELLED)
    client.force_login(officer_a)
    response = client.post(
        reverse("admin:events_event_changelist"),
        {"action": "publish", "_selected_action": [event.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "A cancelled event cannot be published." in response.text
    assert "[&#x27;" not in response.text  # never a list's repr
