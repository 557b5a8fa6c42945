"""The interests and skills register: admin (scoped, searchable, exported with an
audit entry), the Person page inline, the portal section and the selector."""

import importlib

import pytest
from django.urls import reverse

from members.models import Interest, PersonInterest
from members.selectors import people_with_interests
from members.talent.services import person_interest_add
from partyhub.audit.models import AuditEntry
from tests import factories
from tests.members.talent.conftest import member


@pytest.fixture
def holders(clp_a, clp_b, governor, welsh):
    hodge = factories.WardFactory(constituency=clp_a, name="Hodge Hill ward")
    other = factories.WardFactory(constituency=clp_a, name="Shard End")
    amira = member(clp_a, first_name="Amira", last_name="Aziz", ward=hodge)
    carl = member(clp_a, first_name="Carl", last_name="Cole", ward=other)
    bea = member(clp_b, first_name="Bea", last_name="Bowen")
    PersonInterest.objects.create(person=amira, interest=governor, detail="Oak Primary")
    PersonInterest.objects.create(person=carl, interest=welsh, detail="fluent")
    PersonInterest.objects.create(person=bea, interest=governor, detail="Elm Academy")
    return amira, carl, bea, hodge


@pytest.mark.django_db
def test_default_list_is_seeded_once():
    from django.apps import apps

    seed = importlib.import_module("members.migrations.0007_talent_data")
    seed.add_defaults(apps, None)
    count = Interest.objects.count()
    seed.add_defaults(apps, None)  # again: nothing new
    assert Interest.objects.count() == count == len(seed.DEFAULT_INTERESTS)
    names = set(Interest.objects.values_list("name", flat=True))
    assert {"School governor", "Magistrate", "Union rep", "Welsh", "Urdu"} <= names
    assert {"British Sign Language (BSL)", "Public speaking", "Accountancy"} <= names


def test_officer_filters_school_governors_in_own_constituency(
    client, officer_a, holders, governor, clp_a
):
    client.force_login(officer_a)
    response = client.get(
        reverse("admin:members_personinterest_changelist"),
        {
            "interest__id__exact": governor.pk,
            "person__constituency__id__exact": clp_a.pk,
        },
    )
    assert response.status_code == 200
    assert "Aziz" in response.text
    assert "Cole" not in response.text  # Welsh, not a governor
    assert "Bowen" not in response.text  # another CLP


def test_officer_search_by_detail_and_ward_filter(client, officer_a, holders):
    amira, carl, bea, hodge = holders
    client.force_login(officer_a)
    url = reverse("admin:members_personinterest_changelist")
    response = client.get(url, {"q": "Academy"})
    assert "Bowen" not in response.text  # Elm Academy is in the other CLP
    response = client.get(url, {"q": "Oak"})
    assert "Aziz" in response.text
    response = client.get(url, {"person__ward__id__exact": hodge.pk})
    assert "Aziz" in response.text and "Cole" not in response.text


def test_other_constituency_holder_page_is_404(client, officer_a, holders):
    amira, carl, bea, hodge = holders
    client.force_login(officer_a)
    held = bea.interests.get()
    url = reverse("admin:members_personinterest_change", args=[held.pk])
    assert client.get(url).status_code == 404


def test_export_is_scoped_and_audited(client, officer_a, holders, clp_a):
    amira, carl, bea, hodge = holders
    client.force_login(officer_a)
    response = client.post(
        reverse("admin:members_personinterest_changelist"),
        {
            "action": "export_csv",
            "_selected_action": list(
                PersonInterest.objects.values_list("pk", flat=True)
            ),
        },
    )
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert "Aziz" in body and "Cole" in body and "Bowen" not in body
    entry = AuditEntry.objects.get(action="personinterest.export")
    assert entry.row_count == 2 and entry.constituency_id == clp_a.pk


def test_changelist_queries_do_not_grow(
    client, officer_a, clp_a, governor, django_assert_max_num_queries
):
    for n in range(3):
        person = member(clp_a, first_name=f"P{n}", last_name="Few")
        PersonInterest.objects.create(person=person, interest=governor)
    client.force_login(officer_a)
    url = reverse("admin:members_personinterest_changelist")
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for n in range(20):
        person = member(clp_a, first_name=f"Q{n}", last_name="Many")
        PersonInterest.objects.create(person=person, interest=governor)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.text.count("Many") >= 20


def test_officer_adds_interest_on_person_page_as_officer(
    client, officer_a, clp_a, welsh
):
    person = member(clp_a, first_name="Dee", last_name="Davies")
    client.force_login(officer_a)
    url = reverse("admin:members_person_change", args=[person.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields
    }
    data["availability"] = ""
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        prefix = formset.formset.prefix
        for key in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{prefix}-{key}"] = management[key].value()
        for i, inline_form in enumerate(formset.formset.initial_forms):
            for name in inline_form.fields:
                value = inline_form[name].value()
                data[f"{prefix}-{i}-{name}"] = "" if value is None else value
    prefix = next(
        f.formset.prefix
        for f in page.context["inline_admin_formsets"]
        if f.formset.model is PersonInterest
    )
    data[f"{prefix}-TOTAL_FORMS"] = "1"
    data[f"{prefix}-0-interest"] = welsh.pk
    data[f"{prefix}-0-detail"] = "conversational"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    held = person.interests.get()
    assert held.interest == welsh
    assert held.detail == "conversational"
    assert held.source == PersonInterest.Source.OFFICER


def test_selector_finds_people_with_interests_in_constituencies(
    holders, governor, welsh, clp_a, clp_b
):
    amira, carl, bea, hodge = holders
    found = people_with_interests(interests=[governor], constituencies=[clp_a])
    assert list(found) == [amira]
    both = people_with_interests(interests=[governor.pk, welsh.pk])
    assert set(both) == {amira, carl, bea}
    assert list(people_with_interests(interests=[governor], wards=[hodge])) == [amira]


def test_selector_members_only_leaves_out_lapsed(clp_a, governor):
    lapsed = factories.PersonFactory(constituency=clp_a)
    factories.MembershipFactory(person=lapsed, status="lapsed")
    PersonInterest.objects.create(person=lapsed, interest=governor)
    assert list(people_with_interests(interests=[governor])) == [lapsed]
    assert not people_with_interests(interests=[governor], members_only=True).exists()


# --- the portal ----------------------------------------------------------------------


def test_member_adds_and_removes_own_interest(client, member_a, governor):
    client.force_login(member_a)
    url = reverse("portal:interests")
    response = client.post(url, {"interest": governor.pk, "detail": "Oak Primary"})
    assert response.status_code == 302
    held = member_a.person.interests.get()
    assert held.source == PersonInterest.Source.SELF
    assert held.detail == "Oak Primary"
    page = client.get(url)
    assert "School governor" in page.text and "Oak Primary" in page.text
    assert AuditEntry.objects.filter(action="personinterest.add").exists()

    response = client.post(reverse("portal:interest_remove", args=[held.pk]))
    assert response.status_code == 302
    assert not member_a.person.interests.exists()
    assert AuditEntry.objects.filter(action="personinterest.delete").exists()


def test_portal_form_without_choice_explains_and_saves_nothing(client, member_a):
    client.force_login(member_a)
    response = client.post(reverse("portal:interests"), {"interest": "", "detail": "x"})
    assert response.status_code == 200
    assert "Choose an interest or skill from the list." in response.text
    assert not PersonInterest.objects.exists()


def test_retired_interest_is_not_offered(client, member_a, governor):
    governor.active = False
    governor.save()
    client.force_login(member_a)
    response = client.post(reverse("portal:interests"), {"interest": governor.pk})
    assert "Choose an interest or skill from the list." in response.text
    assert not PersonInterest.objects.exists()


def test_member_cannot_remove_someone_elses_interest(client, member_a, clp_a, welsh):
    other = member(clp_a, first_name="Other", last_name="Person")
    held = person_interest_add(person=other, interest=welsh, actor=None)
    client.force_login(member_a)
    response = client.post(reverse("portal:interest_remove", args=[held.pk]))
    assert response.status_code == 404
    assert PersonInterest.objects.filter(pk=held.pk).exists()


def test_membership_secretary_adds_to_the_list_and_treasurer_cannot(
    client, clp_a, holders
):
    client.force_login(factories.officer(clp_a, role="membership_secretary"))
    response = client.post(
        reverse("admin:members_interest_add"),
        {"name": "Gujarati", "kind": "language", "description": "", "active": "on"},
    )
    assert response.status_code == 302
    assert Interest.objects.filter(name="Gujarati").exists()
    client.force_login(factories.officer(clp_a, role="treasurer"))
    assert client.get(reverse("admin:members_interest_add")).status_code == 403


def test_interest_list_counts_only_own_people(client, officer_a, holders, governor):
    client.force_login(officer_a)
    response = client.get(
        reverse("admin:members_interest_changelist"), {"q": "School governor"}
    )
    assert response.status_code == 200
    counts = [
        c.strip("<>/td ")
        for c in response.text.split('class="field-holder_count">')[1:]
    ]
    assert counts[0].startswith("1")  # Amira; Bea is in the other CLP


def _listed(client, search: str) -> str:
    response = client.get(
        reverse("admin:members_personinterest_changelist"), {"q": search}
    )
    assert response.status_code == 200
    return response.text


def test_plain_words_search_finds_school_governors_in_a_place(
    client, officer_a, officer_b, holders, governor, clp_a
):
    amira, carl, bea, hodge = holders
    shard = hodge.constituency.wards.get(name="Shard End")
    dan = member(clp_a, first_name="Dan", last_name="Dunn", ward=shard)
    PersonInterest.objects.create(person=dan, interest=governor)
    client.force_login(officer_a)
    for search in ("school governors", "School Governor", "governors"):
        text = _listed(client, search)
        assert "Aziz" in text and "Dunn" in text
        assert "Cole" not in text and "Bowen" not in text
    # The constituency named in the query: everyone there.
    text = _listed(client, "school governors in Hodge Hill")
    assert "Aziz" in text and "Dunn" in text and "Bowen" not in text
    # A ward named in the query narrows to that ward.
    text = _listed(client, "school governors in Shard End")
    assert "Dunn" in text and "Aziz" not in text
    text = _listed(client, "Shard End school governors")
    assert "Dunn" in text and "Aziz" not in text
    # Another constituency's name is not a place this officer can narrow to.
    text = _listed(client, "school governors in Reading West")
    assert "Bowen" not in text and "Aziz" not in text
    client.force_login(officer_b)
    text = _listed(client, "school governors in Reading West")
    assert "Bowen" in text and "Aziz" not in text
    text = _listed(client, "school governors in Hodge Hill")
    assert "Bowen" not in text and "Aziz" not in text


def test_interest_list_search_accepts_plurals(client, officer_a, governor):
    client.force_login(officer_a)
    response = client.get(
        reverse("admin:members_interest_changelist"), {"q": "school governors"}
    )
    assert "School governor" in response.text
    assert "0 interests" not in response.text


def test_singular_forms():
    from members.talent.search import singular

    assert [singular(w) for w in ("governors", "charities", "branches", "class")] == [
        "governor",
        "charity",
        "branch",
        "class",
    ]
