"""Big Conversation consultations: community organisations invited (emailed only
if they agreed), what was said recorded, a report sent once to those who came."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Booking, Consultation, Event, Invitation, OrganisationInvite
from events.services import (
    EventsError,
    consultation_report_send,
    organisations_invite,
)
from networks.models import CommunityOrganisation
from partyhub.comms.models import ConsentEvent
from tests import factories
from tests.events.conftest import make_event
from tests.helpers import send_all_mail


def _org(clp, name, *, consent=True, email="contact@example.org"):
    return CommunityOrganisation.objects.create(
        constituency=clp, name=name, kind="residents", contact_name="Rita Resident",
        contact_email=email, consent_to_mail=consent,
    )  # fmt: skip


@pytest.fixture
def big(clp_a):
    return make_event(clp_a, title="Big Conversation: housing",
                      kind=Event.Kind.BIG_CONVERSATION,
                      audience=Event.Audience.PUBLIC)  # fmt: skip


def _orgs(*orgs):
    return CommunityOrganisation.objects.filter(pk__in=[o.pk for o in orgs])


def test_only_organisations_that_agreed_are_emailed_once(clp_a, big, mailoutbox):
    yes = _org(clp_a, "Tenants' association", email="rita@example.org")
    no = _org(clp_a, "Mosque", consent=False, email="imam@example.org")
    result = organisations_invite(event=big, organisations=_orgs(yes, no), actor=None)
    assert (result.emailed, result.to_contact_by_hand) == (1, 1)
    again = organisations_invite(event=big, organisations=_orgs(yes, no), actor=None)
    assert again.already == 2
    send_all_mail()
    send_all_mail()
    assert [m.to for m in mailoutbox] == [["rita@example.org"]]
    assert "/events/invitation/" in mailoutbox[0].body
    assert "your organisation agreed" in mailoutbox[0].body
    contact = Invitation.objects.get().person
    assert (contact.first_name, contact.last_name) == ("Rita", "Resident")
    assert not ConsentEvent.objects.exists()
    assert OrganisationInvite.objects.get(organisation=no).invitation is None


def test_only_big_conversations_invite_organisations(clp_a):
    social = make_event(clp_a, audience=Event.Audience.PUBLIC)
    with pytest.raises(EventsError):
        organisations_invite(event=social, organisations=_orgs(_org(clp_a, "X")),
                             actor=None)  # fmt: skip
    assert not OrganisationInvite.objects.exists()


def test_report_goes_once_to_each_person_who_came(clp_a, big, mailoutbox):
    came = [factories.PersonFactory(constituency=clp_a) for _ in range(2)]
    for person in came:
        Booking.objects.create(event=big, person=person, status="yes",
                               source="portal", attended_at=timezone.now())  # fmt: skip
    Booking.objects.create(event=big, status="yes", source="portal",
                           person=factories.PersonFactory(constituency=clp_a))  # fmt: skip
    consultation = Consultation.objects.create(
        event=big, notes="Damp flats", themes="Damp\nRents", report="We will act."
    )
    with pytest.raises(EventsError, match="once the event is over"):
        consultation_report_send(consultation=consultation, actor=None)
    ends = timezone.now() - datetime.timedelta(hours=1)
    Event.objects.filter(pk=big.pk).update(
        starts=ends - datetime.timedelta(hours=2), ends=ends
    )
    assert consultation_report_send(consultation=consultation, actor=None) == 2
    assert consultation_report_send(consultation=consultation, actor=None) == 0
    send_all_mail()
    send_all_mail()
    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.email for p in came)
    assert "- Damp" in mailoutbox[0].body
    assert "We will act." in mailoutbox[0].body
    consultation.refresh_from_db()
    assert consultation.report_sent_at is not None


def test_officers_invite_their_own_organisations_and_others_get_404(
    client, officer_a, officer_b, clp_a, clp_b, big
):
    ours = _org(clp_a, "Hodge Hill residents")
    theirs = _org(clp_b, "Reading residents")
    url = reverse("admin:events_event_organisations", args=[big.pk])
    client.force_login(officer_a)
    page = client.get(url)
    assert "Hodge Hill residents" in page.text
    assert "Reading residents" not in page.text
    refused = client.post(url, {"organisations": [theirs.pk]})
    assert "That choice is not on the list" in refused.text
    assert not OrganisationInvite.objects.exists()
    assert client.post(url, {"organisations": [ours.pk]}).status_code == 302
    assert OrganisationInvite.objects.get().organisation == ours
    consultation = Consultation.objects.create(event=big, notes="Said things")
    change = reverse("admin:events_consultation_change", args=[consultation.pk])
    assert client.get(change).status_code == 200
    client.force_login(officer_b)
    assert client.get(url).status_code == 404
    assert client.get(change).status_code == 404
