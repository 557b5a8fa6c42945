"""Issue 16 item 12: merge fields ({first_name}, {constituency}, {ward}) are filled
per recipient; an unknown {field} is refused at compose, so it is never sent."""

from partyhub.comms import sending
from partyhub.comms.models import Message
from tests import factories
from tests.comms.conftest import admin_url, message_form
from tests.helpers import deliveries_send_all


def test_each_recipient_gets_their_own_name_clp_and_ward(
    member_factory,
    scheduled,  # noqa: F811
    mailoutbox,
    clp_a,
):
    ward = factories.WardFactory(constituency=clp_a, name="Washwood Heath")
    ada = member_factory(first_name="Ada", ward=ward)
    bob = member_factory(first_name="Bob")
    message = scheduled(
        subject="{first_name}, news from {constituency}",
        body="Dear {first_name}, we are out in { ward } this Saturday.",
    )
    sending.message_dispatch(message_id=message.pk)
    deliveries_send_all()
    mails = {m.to[0]: m for m in mailoutbox}
    assert mails[ada.email].subject == f"Ada, news from {clp_a.name}"
    assert (
        "Dear Ada, we are out in Washwood Heath this Saturday." in mails[ada.email].body
    )
    assert "Dear Bob," in mails[bob.email].body
    for mail in mailoutbox:
        assert "{" not in mail.subject and "{first_name}" not in mail.body
        assert "%%MERGE" not in mail.body
        assert "%%MERGE" not in mail.alternatives[0][0]


def test_an_unknown_field_is_refused_at_compose(
    client, officer_a, clp_a, members_segment
):
    client.force_login(officer_a)
    response = client.post(
        admin_url("message_add"),
        message_form(clp_a, members_segment, body="Dear {frist_name}, hello."),
    )
    assert response.status_code == 200
    assert "{frist_name} is not a merge field we can fill in" in response.text
    assert not Message.objects.exists()
