"""Invite suggestions from the register of interests: who is suggested, to whom,
and the signed invitation sent exactly once."""

import re

import pytest
from django.urls import reverse

from networks.models import NetworkInvitation, NetworkMembership
from networks.services import NetworkError, network_invite, network_join
from partyhub.audit.models import AuditEntry
from partyhub.comms.models import Reminder
from supporters.models import Supporter
from tests import factories
from tests.helpers import send_all_mail
from tests.networks.conftest import member, path_of


@pytest.fixture
def cast(clp_a, clp_b, governors, school_governor_interest):
    governors.interests.add(school_governor_interest)
    other_interest = school_governor_interest.__class__.objects.create(name="Cycling")
    return {
        "ann": member(clp_a, interest=school_governor_interest, first_name="Ann"),
        "bob": member(clp_b, interest=school_governor_interest, first_name="Bob"),
        "cyclist": member(clp_a, interest=other_interest, first_name="Cyd"),
        "joined": member(clp_a, interest=school_governor_interest, first_name="Jo"),
        "silent": member(
            clp_a, interest=school_governor_interest, first_name="Sil", consent=False
        ),
        "lapsed": factories.PersonFactory(constituency=clp_a, first_name="Lap"),
    }


def test_coordinator_sees_people_with_the_interest_in_their_clp_only(
    client, coordinator, governors, cast, school_governor_interest
):
    from members.models import PersonInterest

    PersonInterest.objects.create(
        person=cast["lapsed"], interest=school_governor_interest
    )
    network_join(network=governors, person=cast["joined"], actor=None)
    client.force_login(coordinator.user)
    page = client.get(reverse("networks:invite", args=[governors.pk]))
    assert page.status_code == 200
    text = page.text
    assert "Ann " in text and "School governor" in text
    assert "Bob " not in text  # CLP B's person: not the co-ordinator's to see
    assert "Cyd " not in text  # another interest
    assert "Jo " not in text  # already in the network
    assert "Lap " not in text  # not a member, so could not join
    assert "Sil " in text and "Has not agreed to email" in text


def test_each_clps_officer_sees_their_own_people_only(
    client, officer_a, officer_b, governors, cast
):
    for officer, own, other in (
        (officer_a, "Ann ", "Bob "),
        (officer_b, "Bob ", "Ann "),
    ):
        client.force_login(officer)
        text = client.get(reverse("networks:invite", args=[governors.pk])).text
        assert own in text
        assert other not in text
        # Nor can they invite the other CLP's person by posting their id.
        other_person = cast["bob"] if other == "Bob " else cast["ann"]
        response = client.post(
            reverse("networks:invite", args=[governors.pk]),
            {"person": other_person.pk},
        )
        assert response.status_code == 404
    assert not NetworkInvitation.objects.exists()


def test_a_plain_member_cannot_see_suggestions(client, member_a, governors, cast):
    network_join(network=governors, person=member_a.person, actor=member_a)
    client.force_login(member_a)
    assert (
        client.get(reverse("networks:invite", args=[governors.pk])).status_code == 404
    )


def test_invitation_is_emailed_once_and_its_link_joins(
    client, coordinator, governors, cast, mailoutbox
):
    ann = cast["ann"]
    url = reverse("networks:invite", args=[governors.pk])
    client.force_login(coordinator.user)
    client.post(url, {"person": ann.pk})
    client.post(url, {"person": ann.pk})  # a double click
    network_invite(network=governors, person=ann, inviter=coordinator, actor=None)
    assert NetworkInvitation.objects.filter(person=ann).count() == 1
    assert Reminder.objects.filter(person=ann).count() == 1
    assert AuditEntry.objects.filter(action="networkinvitation.create").count() == 1
    send_all_mail()
    send_all_mail()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [ann.email]
    assert "School governors" in mail.subject
    assert "Invited" in client.get(url).text
    link = re.search(r"https?://\S+/networks/join/[^/\s)]+/", mail.body).group(0)
    page = client.post(path_of(link))
    assert "you are now in the network" in page.text
    assert NetworkMembership.objects.get(person=ann).status == "active"
    # Now a member, Ann is no longer suggested.
    assert "Ann " not in client.get(url).text


def test_invitation_link_is_for_the_invited_person_only(
    client, coordinator, governors, cast, mailoutbox
):
    network_invite(network=governors, person=cast["ann"], inviter=None, actor=None)
    send_all_mail()
    link = re.search(r"https?://\S+/networks/join/([^/\s)]+)/", mailoutbox[0].body)
    token = link.group(1)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(f"/networks/join/{tampered}/").status_code == 404
    assert not NetworkMembership.objects.exists()


def test_no_invitation_without_consent_or_to_someone_who_cannot_join(
    clp_a, governors, cast
):
    with pytest.raises(NetworkError, match="agreed to be emailed"):
        network_invite(
            network=governors, person=cast["silent"], inviter=None, actor=None
        )
    with pytest.raises(NetworkError, match="cannot join"):
        network_invite(
            network=governors, person=cast["lapsed"], inviter=None, actor=None
        )
    supporter = factories.PersonFactory(constituency=clp_a)
    Supporter.objects.create(person=supporter, constituency=clp_a, status="confirmed")
    with pytest.raises(NetworkError, match="cannot join"):
        network_invite(network=governors, person=supporter, inviter=None, actor=None)
    assert not NetworkInvitation.objects.exists()
    assert not Reminder.objects.exists()


def test_suggestions_take_a_fixed_number_of_queries(
    client,
    coordinator,
    clp_a,
    governors,
    cast,
    school_governor_interest,
    django_assert_max_num_queries,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("networks:invite", args=[governors.pk])
    client.force_login(coordinator.user)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(8):
        member(clp_a, interest=school_governor_interest, first_name=f"Extra{i}")
    with django_assert_max_num_queries(len(few)):
        page = client.get(url)
    assert "Extra7" in page.text


def test_my_data_export_holds_my_invitations(governors, cast):
    from partyhub.privacy import export_data

    network_invite(network=governors, person=cast["ann"], inviter=None, actor=None)
    data = export_data(cast["ann"])
    assert data["network_invitations"][0]["network"] == "School governors"


def test_officer_finds_the_suggestions_from_the_network_admin(
    client, officer_a, governors, cast
):
    client.force_login(officer_a)
    page = client.get(reverse("admin:networks_network_change", args=[governors.pk]))
    url = reverse("networks:invite", args=[governors.pk])
    assert url in page.text
    assert "Ann " in client.get(url).text
