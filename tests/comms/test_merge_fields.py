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


def test_a_message_with_an_unknown_field_cannot_be_scheduled(make_message, officer_a):
    from partyhub.comms.services import MessageStateError, message_schedule

    message = make_message(body="Dear {frist_name}, hello.")  # not through the form
    try:
        message_schedule(message=message, actor=officer_a)
    except MessageStateError as exc:
        assert "{frist_name} is not a merge field" in exc.messages[0]
    else:
        raise AssertionError("scheduled with a literal {frist_name}")
    message.refresh_from_db()
    assert message.status == Message.Status.DRAFT


def test_preview_shows_the_email_as_the_chosen_recipient_gets_it(
    client, officer_a, clp_a, clp_b, make_message, member_factory
):
    ward = factories.WardFactory(constituency=clp_a, name="Washwood Heath")
    ada = member_factory(first_name="Ada", last_name="Adams", ward=ward)
    member_factory(first_name="Bob", last_name="Brown")
    stranger = factories.PersonFactory(constituency=clp_b, first_name="Xena")
    message = make_message(
        subject="{first_name}, news from {constituency}",
        body="Dear {first_name}, we are out in {ward} on Saturday.",
    )
    client.force_login(officer_a)
    preview = admin_url("message_preview", message.pk)

    response = client.get(preview)  # the first recipient by name until one is chosen
    assert "Ada, news from Hodge Hill" in response.text
    assert "Ada Adams (Washwood Heath)" in response.text
    assert "Bob Brown" in response.text

    bob = type(ada).objects.get(first_name="Bob")
    response = client.get(preview, {"person": bob.pk})
    assert "Bob, news from Hodge Hill" in response.text
    assert "Dear Bob, we are out in" in response.text
    assert "{first_name}" not in response.text.split("comms-headers")[1]

    response = client.get(preview, {"q": "ada"})
    assert "Ada Adams" in response.text and "Bob Brown" not in response.text

    # Someone outside the segment (another CLP's person) cannot be chosen.
    response = client.get(preview, {"person": stranger.pk})
    assert "That person is not in this message" in response.text
    assert "Xena" not in response.text
