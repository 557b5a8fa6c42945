"""Sending survives a broker outage; the person page shows current consent."""

from django.urls import reverse
from kombu.exceptions import OperationalError

from partyhub.comms import sending, tasks
from partyhub.comms.models import Message
from partyhub.comms.services import message_schedule


def test_send_now_with_broker_down_still_schedules(
    make_message,
    member_factory,
    officer_a,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    member_factory(consent=True)
    message = make_message()

    def broker_down(*args, **kwargs):
        raise OperationalError(
            "Error 111 connecting to 127.0.0.1:6379. Connection refused."
        )

    monkeypatch.setattr(tasks.dispatch_message, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        message_schedule(message=message, actor=officer_a)
    message.refresh_from_db()
    assert message.status == Message.Status.SCHEDULED
    # The beat tick picks it up once the broker is back.
    assert sending.message_dispatch(message_id=message.pk) == 1


def test_person_page_shows_current_consent(client, officer_a, member_factory):
    person = member_factory(consent=True)
    client.force_login(officer_a)
    response = client.get(reverse("admin:members_person_change", args=[person.pk]))
    assert response.status_code == 200
    assert "current consent" in response.text.lower()
    assert "Signup form" in response.text
