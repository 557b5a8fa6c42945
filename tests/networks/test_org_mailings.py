"""Mailings to community organisations: only those that agreed and have an email
get one, once; the rest are listed to contact by hand; a sent mailing is fixed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Person
from networks.mailings import organisation_mailing_send
from networks.models import (
    CommunityOrganisation,
    OrganisationMailing,
    OrganisationMailingRecipient,
)
from networks.services import NetworkError
from partyhub.audit.models import AuditEntry
from partyhub.comms.consent import consent_record
from partyhub.comms.models import Channel, Method, Reminder
from tests import factories
from tests.helpers import send_all_mail

Recipient = OrganisationMailingRecipient


def _org(clp, name, *, consent=True, email="contact@example.org", kind="residents",
         ward=None):  # fmt: skip
    return CommunityOrganisation.objects.create(
        constituency=clp, name=name, kind=kind, contact_name="Rita Resident",
        contact_email=email, consent_to_mail=consent, ward=ward,
    )  # fmt: skip


def _mailing(clp, **kw):
    return OrganisationMailing.objects.create(
        constituency=clp, subject="Summer fair", body="Come to **our fair**.", **kw
    )


def _change_url(mailing):
    return reverse("admin:networks_organisationmailing_change", args=[mailing.pk])


def _send_url(mailing):
    return reverse("admin:networks_organisationmailing_send", args=[mailing.pk])


def test_only_consenting_organisations_with_email_are_mailed_once(
    clp_a, clp_b, officer_a, mailoutbox
):
    yes = _org(clp_a, "Tenants", email="rita@example.org")
    no_consent = _org(clp_a, "Mosque", consent=False, email="imam@example.org")
    no_email = _org(clp_a, "Scouts", email="")
    _org(clp_b, "Reading tenants", email="other@example.org")  # another CLP
    mailing = _mailing(clp_a)

    result = organisation_mailing_send(mailing=mailing, actor=officer_a)
    assert (result.emailed, result.to_contact_by_hand) == (1, 2)
    with pytest.raises(NetworkError):
        organisation_mailing_send(mailing=mailing, actor=officer_a)
    send_all_mail()
    send_all_mail()

    assert [m.to for m in mailoutbox] == [["rita@example.org"]]
    assert mailoutbox[0].subject == "Summer fair"
    assert "Come to" in mailoutbox[0].body and "Hello Rita" in mailoutbox[0].body
    rows = {r.organisation: r for r in Recipient.objects.filter(mailing=mailing)}
    assert set(rows) == {yes, no_consent, no_email}
    assert rows[yes].status == Recipient.Status.EMAILED
    assert (rows[yes].person.first_name, rows[yes].person.last_name) == (
        "Rita", "Resident",
    )  # fmt: skip
    assert rows[no_consent].reason == Recipient.Reason.NO_CONSENT
    assert rows[no_email].reason == Recipient.Reason.NO_EMAIL
    assert Reminder.objects.get().key == f"orgmailing:{mailing.pk}:{yes.pk}"
    entry = AuditEntry.objects.get(action="organisationmailing.send")
    assert entry.detail == {"emailed": 1, "by_hand": 2}


def test_kind_and_ward_filters_choose_the_organisations(clp_a, mailoutbox):
    ward = factories.WardFactory(constituency=clp_a)
    _org(clp_a, "Church", kind="faith", ward=ward, email="vicar@example.org")
    _org(clp_a, "Other church", kind="faith", email="other@example.org")
    _org(clp_a, "Tenants", ward=ward, email="rita@example.org")
    mailing = _mailing(clp_a, kinds=["faith"], ward=ward)
    assert organisation_mailing_send(mailing=mailing, actor=None).emailed == 1
    send_all_mail()
    assert [m.to for m in mailoutbox] == [["vicar@example.org"]]


def test_a_contact_who_said_no_email_is_skipped(clp_a, mailoutbox):
    org = _org(clp_a, "Tenants", email="rita@example.org")
    contact = factories.PersonFactory(constituency=clp_a, email="rita@example.org")
    consent_record(person=contact, channel=Channel.EMAIL, granted=False,
                   method=Method.UNSUBSCRIBE)  # fmt: skip
    mailing = _mailing(clp_a)
    result = organisation_mailing_send(mailing=mailing, actor=None)
    assert (result.emailed, result.to_contact_by_hand) == (0, 1)
    send_all_mail()
    assert mailoutbox == []
    row = Recipient.objects.get(organisation=org)
    assert (row.person, row.reason) == (contact, Recipient.Reason.CONTACT_SAID_NO)
    assert Person.objects.filter(email="rita@example.org").count() == 1


def test_officer_previews_and_sends_then_it_is_read_only(
    client, clp_a, officer_a, mailoutbox
):
    _org(clp_a, "Tenants", email="rita@example.org")
    mosque = _org(clp_a, "Mosque", consent=False)
    CommunityOrganisation.objects.filter(pk=mosque.pk).update(
        contact_phone="0121 496 0000"
    )
    client.force_login(officer_a)
    response = client.post(
        reverse("admin:networks_organisationmailing_add"),
        {"constituency": clp_a.pk, "subject": "Summer fair", "body": "Come along."},
    )
    assert response.status_code == 302
    mailing = OrganisationMailing.objects.get()
    assert mailing.created_by == officer_a
    page = client.get(_change_url(mailing)).text
    assert _send_url(mailing) in page
    preview = client.get(_send_url(mailing)).text
    assert "will email 1 organisation that agreed" in preview
    assert "1 organisation has not agreed" in preview

    client.post(_send_url(mailing))
    send_all_mail()
    assert [m.to for m in mailoutbox] == [["rita@example.org"]]
    page = client.get(_change_url(mailing)).text
    assert "Who it went to" in page and "Tenants" in page and "Mosque" in page
    assert "0121 496 0000" in page and "has not agreed to be mailed" in page
    assert 'name="subject"' not in page  # read-only now

    client.post(_change_url(mailing), {"constituency": clp_a.pk,
                                       "subject": "Changed", "body": "x"})  # fmt: skip
    client.post(_send_url(mailing))
    mailing.refresh_from_db()
    assert mailing.subject == "Summer fair"
    send_all_mail()
    assert len(mailoutbox) == 1
    assert AuditEntry.objects.filter(action="organisationmailing.send").count() == 1


def test_officer_of_another_clp_can_neither_see_nor_send(
    client, clp_a, officer_b, mailoutbox
):
    _org(clp_a, "Tenants", email="rita@example.org")
    mailing = _mailing(clp_a)
    client.force_login(officer_b)
    assert client.get(_change_url(mailing)).status_code == 404
    assert client.get(_send_url(mailing)).status_code == 404
    assert client.post(_send_url(mailing)).status_code == 404
    listing = client.get(reverse("admin:networks_organisationmailing_changelist"))
    assert "Summer fair" not in listing.text
    mailing.refresh_from_db()
    assert mailing.sent_at is None and not Recipient.objects.exists()
    send_all_mail()
    assert mailoutbox == []


def test_an_officer_without_the_role_may_view_but_not_send(client, clp_a):
    mailing = _mailing(clp_a)
    treasurer = factories.officer(clp_a, role="treasurer")
    client.force_login(treasurer)
    page = client.get(_change_url(mailing))
    assert page.status_code == 200 and "Summer fair" in page.text
    assert _send_url(mailing) not in page.text
    assert client.post(_send_url(mailing)).status_code == 403
    mailing.refresh_from_db()
    assert mailing.sent_at is None


def test_a_ward_of_another_clp_is_refused_next_to_the_field(client, clp_a, clp_b,
                                                           officer_a):  # fmt: skip
    other_ward = factories.WardFactory(constituency=clp_b)
    client.force_login(officer_a)
    response = client.post(
        reverse("admin:networks_organisationmailing_add"),
        {"constituency": clp_a.pk, "subject": "Fair", "body": "Come.",
         "ward": other_ward.pk, "kinds": ["faith"]},
    )  # fmt: skip
    assert response.status_code == 200
    assert "is not one of yours" in response.text
    assert not OrganisationMailing.objects.exists()


def test_who_got_it_list_does_not_grow_queries(
    client, clp_a, officer_a, django_assert_max_num_queries
):
    def sent_mailing(n, kind):
        for i in range(n):
            _org(clp_a, f"Group {n}-{i}", email=f"g{n}-{i}@example.org", kind=kind)
        mailing = _mailing(clp_a, kinds=[kind])
        organisation_mailing_send(mailing=mailing, actor=None)
        return mailing

    small, big = sent_mailing(2, "faith"), sent_mailing(12, "residents")
    client.force_login(officer_a)
    with CaptureQueriesContext(connection) as few:
        assert client.get(_change_url(small)).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(_change_url(big))
    assert all(f"Group 12-{i}" in page.text for i in range(12))
    assert "Group 2-0" not in page.text


def test_the_contacts_data_export_lists_the_mailings_sent_to_them(clp_a):
    from partyhub.privacy import export_data

    _org(clp_a, "Tenants", email="rita@example.org")
    organisation_mailing_send(mailing=_mailing(clp_a), actor=None)
    data = export_data(Person.objects.get(email="rita@example.org"))
    row = data["organisation_mailings"][0]
    assert (row["organisation"], row["mailing"]) == ("Tenants", "Summer fair")
