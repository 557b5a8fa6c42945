"""A new postcode in another CLP never moves a person by itself: a transfer waits
for the receiving CLP's officers (issue 13.1)."""

import pytest
from django.urls import reverse

from members.models import Membership, Person, Postcode, Transfer
from members.transfers import TransferError, transfer_accept
from partyhub.audit.models import AuditEntry
from supporters import signup
from supporters.models import SignupRequest, Supporter
from tests import factories

CHANGELIST = reverse("admin:members_transfer_changelist")


@pytest.fixture
def places(clp_a, clp_b):
    north = factories.WardFactory(constituency=clp_a, name="North")
    west = factories.WardFactory(constituency=clp_b, name="West")
    west_branch = factories.BranchFactory(constituency=clp_b, name="West branch")
    west_branch.wards.set([west])
    Postcode.objects.create(postcode="B8 1AA", ward=north, constituency=clp_a)
    Postcode.objects.create(postcode="RG30 1AA", ward=west, constituency=clp_b)
    return {"north": north, "west": west, "west_branch": west_branch}


@pytest.fixture
def alice(clp_a, places):
    person = factories.PersonFactory(
        first_name="Alice",
        last_name="Aardvark",
        constituency=clp_a,
        ward=places["north"],
        postcode="B8 1AA",
    )
    factories.MembershipFactory(person=person, constituency=clp_a)
    return person


def _pending(person) -> Transfer:
    return Transfer.objects.get(person=person, status=Transfer.Status.PENDING)


def test_member_changing_postcode_to_another_clp_stays_home(
    client, clp_a, clp_b, places
):
    user = factories.member_user(clp_a)
    client.force_login(user)
    response = client.post(
        reverse("portal:details"),
        {"first_name": "Ada", "last_name": "Lovelace", "postcode": "rg301aa"},
        follow=True,
    )
    me = Person.objects.get(pk=user.person.pk)
    assert (me.postcode, me.constituency, me.ward) == ("RG30 1AA", clp_a, None)
    assert me.memberships.get().constituency == clp_a
    transfer = _pending(me)
    assert (transfer.from_constituency, transfer.to_constituency) == (clp_a, clp_b)
    assert transfer.to_ward == places["west"]
    assert "Your new postcode is in Reading West" in response.text


def test_officer_changing_postcode_on_person_page_does_not_move_them(
    client, officer_a, clp_a, clp_b, alice
):
    client.force_login(officer_a)
    url = reverse("admin:members_person_change", args=[alice.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        first_name="Alice",
        last_name="Aardvark",
        postcode="RG30 1AA",
        constituency=clp_a.pk,
        ward="",
    )
    response = client.post(url, _with_inlines(client, url, data), follow=True)
    assert response.status_code == 200
    alice.refresh_from_db()
    assert (alice.constituency, alice.ward) == (clp_a, None)
    assert _pending(alice).to_constituency == clp_b
    assert "RG30 1AA is in Reading West" in response.text


def _with_inlines(client, url, data):
    """The change form's management-form fields, so the POST validates."""
    response = client.get(url)
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name, field in management.fields.items():
            data[f"{management.prefix}-{name}"] = management.initial.get(
                name, field.initial
            )
        for index, inline_form in enumerate(formset.formset.initial_forms):
            for name in inline_form.fields:
                value = inline_form.initial.get(name)
                if value is not None:
                    data[f"{formset.formset.prefix}-{index}-{name}"] = (
                        value.pk if hasattr(value, "pk") else value
                    )
    return data


def test_signup_confirmation_does_not_move_a_known_person(clp_a, clp_b, alice):
    request = SignupRequest.objects.create(
        email=alice.email,
        constituency=clp_b,
        data={
            "email": alice.email,
            "first_name": "Alice",
            "last_name": "Aardvark",
            "postcode": "RG30 1AA",
            "consents": {},
            "offers": [],
        },
    )
    signup.supporter_confirm(signup_request=request)
    alice.refresh_from_db()
    assert (alice.constituency, alice.ward) == (clp_a, None)
    assert Supporter.objects.get(person=alice).constituency == clp_a
    assert _pending(alice).to_constituency == clp_b


def _request_transfer(alice):
    from members.services import person_place
    from members.transfers import transfers_after_placement

    alice.postcode = "RG30 1AA"
    placement = person_place(person=alice)
    alice.save()
    return transfers_after_placement(
        person=alice, elsewhere=placement.elsewhere, source="admin", actor=None
    )


def test_sending_clp_sees_the_transfer_but_cannot_accept_it(
    client, officer_a, clp_a, alice
):
    transfer = _request_transfer(alice)
    client.force_login(officer_a)
    assert "Aardvark" in client.get(CHANGELIST).text
    response = client.post(
        CHANGELIST,
        {"action": "accept_selected", "_selected_action": [transfer.pk]},
        follow=True,
    )
    assert "only officers of Reading West can decide it" in response.text
    alice.refresh_from_db()
    assert alice.constituency == clp_a
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.PENDING
    with pytest.raises(TransferError):
        transfer_accept(transfer=transfer, actor=officer_a)


def test_receiving_clp_accepts_and_the_person_moves_with_membership(
    client, officer_b, clp_a, clp_b, alice, places
):
    Supporter.objects.create(person=alice, constituency=clp_a)
    transfer = _request_transfer(alice)
    client.force_login(officer_b)
    response = client.post(
        CHANGELIST,
        {"action": "accept_selected", "_selected_action": [transfer.pk]},
        follow=True,
    )
    assert "1 person moved to your constituency." in response.text
    alice.refresh_from_db()
    assert (alice.constituency, alice.ward) == (clp_b, places["west"])
    membership = Membership.objects.get(person=alice)
    assert (membership.constituency, membership.branch) == (
        clp_b,
        places["west_branch"],
    )
    assert Supporter.objects.get(person=alice).constituency == clp_b
    # One entry, read by the officers of both CLPs.
    for officer in (officer_b, factories.officer(clp_a)):
        assert (
            AuditEntry.objects.in_constituencies(officer)
            .filter(action="transfer.accept", actor=officer_b)
            .count()
            == 1
        )


def test_receiving_clp_declines_and_the_person_stays(client, officer_b, clp_a, alice):
    transfer = _request_transfer(alice)
    client.force_login(officer_b)
    client.post(
        CHANGELIST, {"action": "decline_selected", "_selected_action": [transfer.pk]}
    )
    alice.refresh_from_db()
    assert alice.constituency == clp_a
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.DECLINED
    assert (
        AuditEntry.objects.in_constituencies(factories.officer(clp_a))
        .filter(action="transfer.decline")
        .exists()
    )


def test_a_third_clp_sees_no_transfer(client, alice):
    _request_transfer(alice)
    other = factories.ConstituencyFactory(name="Yardley", slug="yardley")
    client.force_login(factories.officer(other))
    assert "Aardvark" not in client.get(CHANGELIST).text


def test_moving_back_home_withdraws_the_pending_transfer(alice, clp_a):
    from members.services import person_place
    from members.transfers import transfers_after_placement

    transfer = _request_transfer(alice)
    alice.postcode = "B8 1AA"
    placement = person_place(person=alice)
    alice.save()
    transfers_after_placement(
        person=alice, elsewhere=placement.elsewhere, source="admin", actor=None
    )
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.WITHDRAWN
    assert alice.constituency == clp_a


def test_a_transfer_is_in_the_persons_data_export(alice):
    from partyhub.privacy import export_sections

    _request_transfer(alice)
    section = next(s for s in export_sections() if s.name == "transfers")
    rows = section.rows(alice)
    assert rows[0]["to"] == "Reading West" and rows[0]["postcode"] == "RG30 1AA"


def test_the_home_clp_sees_the_waiting_transfer_on_the_persons_page(
    client, officer_a, alice
):
    _request_transfer(alice)
    client.force_login(officer_a)
    page = client.get(reverse("admin:members_person_change", args=[alice.pk]))
    assert "a transfer waits for an officer of Reading West to accept it" in page.text
