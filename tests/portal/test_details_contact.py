"""My details and my contact choices: only my own record changes, every change is
recorded (audit log, consent ledger)."""

import pytest
from django.urls import reverse

from members.models import Person
from members.portal.forms import CHANNEL_LABELS, TOPIC_LABEL
from partyhub.audit.models import AuditEntry
from partyhub.comms import sending
from partyhub.comms.consent import current_consents
from partyhub.comms.models import (
    Channel,
    ConsentEvent,
    Delivery,
    Message,
    Method,
    Topic,
)
from partyhub.comms.services import message_schedule
from tests import factories
from tests.helpers import grant_email

DETAILS = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "address_line_1": "1 Alum Rock Road",
    "address_line_2": "",
    "town": "Birmingham",
    "postcode": "b81aa",
    "phone": "0121 496 0000",
    "mobile": "",
    "accessibility_needs": "Step-free access, please.",
    "availability": ["weekends", "evenings"],
}


def test_editing_details_changes_only_my_person(
    client, member_a, member_b, known_postcode
):
    other_before = Person.objects.values().get(pk=member_b.person.pk)
    client.force_login(member_a)
    response = client.post(reverse("portal:details"), DETAILS)
    assert response.status_code == 302
    me = Person.objects.get(pk=member_a.person.pk)
    assert (me.first_name, me.last_name, me.town) == ("Ada", "Lovelace", "Birmingham")
    assert me.postcode == "B8 1AA"
    assert me.ward == known_postcode
    assert me.phone == "0121 496 0000"
    assert me.accessibility_needs == "Step-free access, please."
    assert me.availability == "evenings,weekends"
    assert Person.objects.values().get(pk=member_b.person.pk) == other_before


def test_editing_details_is_audited_with_field_names_not_values(client, member_a):
    client.force_login(member_a)
    client.post(reverse("portal:details"), DETAILS)
    entry = AuditEntry.objects.get(action="person.update_own")
    assert entry.actor == member_a
    assert entry.object_id == str(member_a.person.pk)
    assert entry.constituency_id == member_a.person.constituency_id
    assert "phone" in entry.detail["fields"]
    assert "0121 496 0000" not in str(entry.detail)
    # Saving again unchanged writes nothing more.
    client.post(reverse("portal:details"), DETAILS)
    assert AuditEntry.objects.filter(action="person.update_own").count() == 1


def test_an_unknown_postcode_clears_the_ward_for_an_officer_to_look(client, member_a):
    client.force_login(member_a)
    client.post(reverse("portal:details"), {**DETAILS, "postcode": "SW1A 1AA"})
    me = Person.objects.get(pk=member_a.person.pk)
    assert me.postcode == "SW1A 1AA"
    assert me.ward is None
    assert me.postcode_unplaced


def test_a_bad_postcode_changes_nothing(client, member_a):
    client.force_login(member_a)
    before = Person.objects.values().get(pk=member_a.person.pk)
    response = client.post(reverse("portal:details"), {**DETAILS, "postcode": "nope"})
    assert response.status_code == 200
    assert "full UK postcode" in response.content.decode()
    assert Person.objects.values().get(pk=member_a.person.pk) == before


def _contact(**ticked):
    return {name: "on" for name, on in ticked.items() if on}


def test_contact_choices_write_the_ledger_with_the_exact_wording(client, member_a):
    client.force_login(member_a)
    topics = {f"topic_{t}": True for t in Topic}
    client.post(reverse("portal:contact"), _contact(email=True, post=True, **topics))
    events = ConsentEvent.objects.filter(person=member_a.person)
    assert {(e.channel, e.topic, e.granted) for e in events} == {
        (Channel.EMAIL, "", True),
        (Channel.POST, "", True),
    }
    assert all(e.method == Method.PORTAL for e in events)
    assert all(e.recorded_by == member_a for e in events)
    email = events.get(channel=Channel.EMAIL)
    assert email.wording == str(CHANNEL_LABELS[Channel.EMAIL])
    # The exact label the page showed.
    page = client.get(reverse("portal:contact")).content.decode()
    assert email.wording in page

    # Only changes are recorded: drop the newsletter, keep the rest.
    first = [e.pk for e in events]
    topics["topic_newsletter"] = False
    client.post(reverse("portal:contact"), _contact(email=True, post=True, **topics))
    new = ConsentEvent.objects.filter(person=member_a.person).exclude(pk__in=first)
    assert [(e.channel, e.topic, e.granted) for e in new] == [
        (Channel.EMAIL, Topic.NEWSLETTER, False)
    ]
    assert new[0].wording == str(TOPIC_LABEL % {"topic": Topic.NEWSLETTER.label})
    assert current_consents(member_a.person)[(Channel.EMAIL, "newsletter")] is False


def test_saving_unchanged_choices_records_nothing(client, member_a):
    grant_email(member_a.person)
    client.force_login(member_a)
    topics = {f"topic_{t}": True for t in Topic}
    client.post(reverse("portal:contact"), _contact(email=True, **topics))
    assert ConsentEvent.objects.filter(person=member_a.person).count() == 1


def test_contact_choices_change_only_my_ledger(client, member_a, member_b):
    grant_email(member_b.person)
    client.force_login(member_a)
    client.post(reverse("portal:contact"), _contact(phone=True, any=True))
    assert ConsentEvent.objects.filter(person=member_b.person).count() == 1
    assert current_consents(member_a.person)[(Channel.ANY, "")] is False


@pytest.fixture
def members_message(clp_a, officer_a, django_capture_on_commit_callbacks):
    from members.models import Membership
    from partyhub.comms.models import Segment

    segment = Segment.objects.create(
        constituency=clp_a,
        name="Members",
        criteria={"member_status": [Membership.Status.CURRENT]},
    )

    def make():
        message = Message.objects.create(
            constituency=clp_a, segment=segment, subject="Quiz night", body="Come."
        )
        with django_capture_on_commit_callbacks(execute=False):
            message_schedule(message=message, actor=officer_a)
        return message

    return make


def _send(message):
    sending.message_dispatch(message_id=message.pk)
    while ids := sending.deliveries_claim():
        sending.deliveries_send(ids=ids)


def test_withdrawing_email_in_the_portal_stops_messages(
    client, member_a, members_message, mailoutbox
):
    person = member_a.person
    grant_email(person)
    _send(members_message())
    assert [m.to for m in mailoutbox] == [[person.email]]

    client.force_login(member_a)
    topics = {f"topic_{t}": True for t in Topic}
    client.post(reverse("portal:contact"), _contact(email=False, **topics))
    mailoutbox.clear()
    message = members_message()
    _send(message)
    assert mailoutbox == []
    assert Delivery.objects.get(message=message).status == Delivery.Status.SKIPPED


def test_moving_ward_moves_my_membership_to_the_new_wards_branch(
    client, member_a, known_postcode
):
    old_branch = factories.BranchFactory(constituency=member_a.person.constituency)
    new_branch = factories.BranchFactory(constituency=member_a.person.constituency)
    new_branch.wards.add(known_postcode)
    membership = member_a.person.memberships.get()
    old_ward = factories.WardFactory(constituency=member_a.person.constituency)
    old_branch.wards.add(old_ward)
    Person.objects.filter(pk=member_a.person.pk).update(ward=old_ward)
    membership.branch = old_branch
    membership.save()

    client.force_login(member_a)
    client.post(reverse("portal:details"), DETAILS)

    membership.refresh_from_db()
    assert membership.branch == new_branch
