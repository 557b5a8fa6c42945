"""The people list an officer lives in: flat queries, export, placement, audit."""

import csv
import io

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Person, Postcode
from partyhub.audit.models import AuditEntry
from tests import factories


def _people_list_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("admin:members_person_changelist"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_people_list_query_count_stays_flat(client, clp_a, officer_a):
    ward = factories.WardFactory(constituency=clp_a)
    branch = factories.BranchFactory(constituency=clp_a)

    def add_people(n):
        for _ in range(n):
            person = factories.PersonFactory(constituency=clp_a, ward=ward)
            factories.MembershipFactory(person=person, branch=branch)

    client.force_login(officer_a)
    add_people(3)
    few = _people_list_queries(client)
    add_people(30)
    many = _people_list_queries(client)
    assert many == few


def test_export_writes_csv_and_audit_entry(client, clp_a, clp_b, officer_a):
    mine = factories.MembershipFactory(
        person=factories.PersonFactory(constituency=clp_a, last_name="Mine"),
        membership_number="A1",
    ).person
    theirs = factories.PersonFactory(constituency=clp_b, last_name="Theirs")
    client.force_login(officer_a)
    response = client.post(
        reverse("admin:members_person_changelist"),
        {"action": "export_csv", "_selected_action": [mine.pk, theirs.pk]},
    )
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [r["last_name"] for r in rows] == ["Mine"]
    assert rows[0]["membership_numbers"] == "A1"
    entry = AuditEntry.objects.get(action="person.export")
    assert entry.actor == officer_a
    assert entry.row_count == 1
    assert entry.constituency == clp_a


def test_export_neutralises_spreadsheet_formulas(client, clp_a, officer_a):
    person = factories.PersonFactory(constituency=clp_a, first_name="=HYPERLINK(1)")
    client.force_login(officer_a)
    response = client.post(
        reverse("admin:members_person_changelist"),
        {"action": "export_csv", "_selected_action": [person.pk]},
    )
    body = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK(1)" in body


def test_social_secretary_cannot_export(client, clp_a):
    social = factories.officer(clp_a, role="social_secretary")
    person = factories.PersonFactory(constituency=clp_a)
    client.force_login(social)
    response = client.post(
        reverse("admin:members_person_changelist"),
        {"action": "export_csv", "_selected_action": [person.pk]},
    )
    assert response.get("Content-Type", "").startswith("text/html")
    assert not AuditEntry.objects.filter(action="person.export").exists()


def test_audit_log_is_scoped(client, clp_a, clp_b, officer_a, officer_b):
    from partyhub.audit.services import audit_log

    audit_log(actor=officer_a, action="ward.export", constituency_id=clp_a.pk)
    audit_log(actor=officer_b, action="branch.export", constituency_id=clp_b.pk)
    client.force_login(officer_a)
    response = client.get(reverse("admin:audit_auditentry_changelist"))
    assert response.status_code == 200
    assert "ward.export" in response.text
    assert "branch.export" not in response.text
    entry_b = AuditEntry.objects.get(action="branch.export")
    assert (
        client.get(
            reverse("admin:audit_auditentry_change", args=[entry_b.pk])
        ).status_code
        == 404
    )


def test_audit_log_cannot_be_edited(client, clp_a, superuser):
    from partyhub.audit.services import audit_log

    entry = audit_log(actor=superuser, action="ward.change", constituency_id=clp_a.pk)
    client.force_login(superuser)
    url = reverse("admin:audit_auditentry_change", args=[entry.pk])
    client.post(url, {"action": "changed"})
    entry.refresh_from_db()
    assert entry.action == "ward.change"
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403


def test_person_edit_in_admin_is_audited_and_placed_by_postcode(client, clp_a):
    user = factories.officer(clp_a, role="secretary")
    ward = factories.WardFactory(constituency=clp_a)
    Postcode.objects.create(postcode="B8 1AA", ward=ward, constituency=clp_a)
    person = factories.PersonFactory(constituency=clp_a, ward=None, postcode="")
    client.force_login(user)
    url = reverse("admin:members_person_change", args=[person.pk])
    form = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "postcode": "b81aa",
        "constituency": clp_a.pk,
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "offices-TOTAL_FORMS": "0",
        "offices-INITIAL_FORMS": "0",
        "consents-TOTAL_FORMS": "0",
        "consents-INITIAL_FORMS": "0",
        "interests-TOTAL_FORMS": "0",
        "interests-INITIAL_FORMS": "0",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.text
    person.refresh_from_db()
    assert person.postcode == "B8 1AA"
    assert person.ward == ward
    assert AuditEntry.objects.filter(
        action="person.change", object_id=str(person.pk), actor=user
    ).exists()


def test_invalid_postcode_in_admin_gets_clear_message_and_changes_nothing(
    client, clp_a
):
    user = factories.officer(clp_a, role="secretary")
    person = factories.PersonFactory(constituency=clp_a, postcode="B8 1AA")
    client.force_login(user)
    response = client.post(
        reverse("admin:members_person_change", args=[person.pk]),
        {
            "first_name": "Changed",
            "last_name": person.last_name,
            "postcode": "not a postcode",
            "constituency": clp_a.pk,
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "offices-TOTAL_FORMS": "0",
            "offices-INITIAL_FORMS": "0",
            "consents-TOTAL_FORMS": "0",
            "consents-INITIAL_FORMS": "0",
            "interests-TOTAL_FORMS": "0",
            "interests-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Enter a full UK postcode" in response.text
    person.refresh_from_db()
    assert person.first_name != "Changed"


def test_same_email_cannot_make_two_people_in_one_constituency(clp_a, clp_b):
    factories.PersonFactory(constituency=clp_a, email="sam@example.org")
    factories.PersonFactory(constituency=clp_b, email="sam@example.org")  # another CLP
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.PersonFactory(constituency=clp_a, email="SAM@example.org")
    # People without email are allowed in any number.
    factories.PersonFactory(constituency=clp_a, email="")
    factories.PersonFactory(constituency=clp_a, email="")
    assert Person.objects.filter(constituency=clp_a).count() == 3


def test_ward_autocomplete_is_scoped(client, clp_a, clp_b, officer_a):
    factories.WardFactory(constituency=clp_a, name="Shard End")
    factories.WardFactory(constituency=clp_b, name="Tilehurst")
    client.force_login(officer_a)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "members",
            "model_name": "person",
            "field_name": "ward",
            "term": "",
        },
    )
    names = [r["text"] for r in response.json()["results"]]
    assert "Shard End" in names
    assert "Tilehurst" not in names


def test_new_address_in_another_ward_moves_the_membership_to_its_branch(client, clp_a):
    user = factories.officer(clp_a, role="secretary")
    old_ward = factories.WardFactory(constituency=clp_a, name="Hodge Hill")
    new_ward = factories.WardFactory(constituency=clp_a, name="Shard End")
    old_branch = factories.BranchFactory(constituency=clp_a, name="Hodge Hill")
    old_branch.wards.add(old_ward)
    new_branch = factories.BranchFactory(constituency=clp_a, name="Shard End")
    new_branch.wards.add(new_ward)
    chosen = factories.BranchFactory(constituency=clp_a, name="Chosen by hand")
    Postcode.objects.create(postcode="B8 1AA", ward=old_ward, constituency=clp_a)
    Postcode.objects.create(postcode="B34 6AA", ward=new_ward, constituency=clp_a)
    person = factories.PersonFactory(
        constituency=clp_a, ward=old_ward, postcode="B8 1AA"
    )
    follows = factories.MembershipFactory(person=person, branch=old_branch)
    stays = factories.MembershipFactory(person=person, branch=chosen)
    client.force_login(user)
    form = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "postcode": "B34 6AA",
        "constituency": clp_a.pk,
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "offices-TOTAL_FORMS": "0",
        "offices-INITIAL_FORMS": "0",
        "consents-TOTAL_FORMS": "0",
        "consents-INITIAL_FORMS": "0",
        "interests-TOTAL_FORMS": "0",
        "interests-INITIAL_FORMS": "0",
    }
    response = client.post(
        reverse("admin:members_person_change", args=[person.pk]), form
    )
    assert response.status_code == 302, response.text
    person.refresh_from_db()
    follows.refresh_from_db()
    stays.refresh_from_db()
    assert person.ward == new_ward
    assert follows.branch == new_branch
    assert stays.branch == chosen
