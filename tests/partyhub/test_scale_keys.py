"""Normalised look-up columns on Person (issue 21.2) and the scale dataset's
generator at a tiny size (bench/scale_data.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from members.models import Person
from partyhub.dataprotection.tps import normalise_phone
from tests import factories

SPELLINGS = [
    "0121 496 0000",
    "+44 (0)121 496 0000",
    "0044 121 496 0000",
    "1214960000",
    "07700-900123",
    "+33 1 23 45 67 89",
    "(0121) 496.0001",
    "12",
    "",
]


def _keys(pk):
    return Person.objects.values(
        "email_key", "postcode_key", "phone_e164", "mobile_e164"
    ).get(pk=pk)


@pytest.mark.django_db
@pytest.mark.parametrize("typed", SPELLINGS)
def test_the_database_keeps_phone_in_e164_as_python_does(typed):
    person = factories.PersonFactory(phone=typed, mobile=typed)
    keys = _keys(person.pk)
    expected = normalise_phone(typed) or ""
    assert keys["phone_e164"] == expected
    assert keys["mobile_e164"] == expected


@pytest.mark.django_db
def test_keys_follow_every_way_a_person_is_written():
    person = factories.PersonFactory(
        email="Ann.Lee@Example.ORG", postcode="B8 1AA", phone="0121 496 0000"
    )
    assert _keys(person.pk) == {
        "email_key": "ann.lee@example.org",
        "postcode_key": "B81AA",
        "phone_e164": "+441214960000",
        "mobile_e164": "",
    }
    # A service's save of chosen fields.
    person.email = "NEW@example.org"
    person.save(update_fields=["email"])
    assert _keys(person.pk)["email_key"] == "new@example.org"
    # The import's bulk_update.
    person.postcode = "N1 9GU"
    Person.objects.bulk_update([person], ["postcode"])
    assert _keys(person.pk)["postcode_key"] == "N19GU"
    # Erasure's and merge's QuerySet.update().
    Person.objects.filter(pk=person.pk).update(email="", phone="")
    assert _keys(person.pk)["email_key"] == ""
    assert _keys(person.pk)["phone_e164"] == ""
    # bulk_create, as imports make people.
    [made] = Person.objects.bulk_create(
        [Person(first_name="B", last_name="C", mobile="07700 900123")]
    )
    assert _keys(made.pk)["mobile_e164"] == "+447700900123"


def _search(client, term):
    response = client.get(reverse("admin:members_person_changelist"), {"q": term})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_searches_use_the_keys_and_their_prefixes(client, clp_a, officer_a):
    factories.PersonFactory(
        constituency=clp_a,
        last_name="Pemberton",
        postcode="B8 1AA",
        email="pemberton.family@example.org",
    )
    factories.PersonFactory(
        constituency=clp_a, last_name="Islington", postcode="N1 1AA", email="i@x.org"
    )
    factories.PersonFactory(
        constituency=clp_a, last_name="Mobileonly", mobile="07700 900123"
    )
    client.force_login(officer_a)
    # An outward code finds the postcodes that begin with it.
    page = _search(client, "b8")
    assert "Pemberton" in page and "Islington" not in page
    # The start of an address, when no address is exactly that.
    page = _search(client, "PEMBERTON.family@")
    assert "Pemberton" in page and "Islington" not in page
    # A mobile typed as an international number.
    page = _search(client, "+44 7700 900 123")
    assert "Mobileonly" in page and "Pemberton" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lookup", "index"),
    [
        ({"email_key": "ann@example.org"}, "person_email_key_idx"),
        ({"email_key__startswith": "ann@"}, "person_email_key_idx"),
        ({"postcode_key": "B81AA"}, "person_postcode_key_idx"),
        ({"postcode_key__startswith": "B8"}, "person_postcode_key_idx"),
        ({"phone_e164": "+441214960000"}, "person_phone_e164_idx"),
    ],
)
def test_btree_indexes_serve_exact_and_prefix_look_ups(lookup, index):
    queryset = Person.objects.filter(**lookup).order_by()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan, plan


@pytest.mark.django_db
def test_scale_generator_tiny_smoke():
    from bench.scale_data import generate
    from members.models import Membership
    from partyhub.comms.models import Delivery
    from supporters.models import Supporter

    counts = generate(
        scale=0.0002,
        clps=3,
        messages_per_clp=2,
        events_per_clp=2,
        log=lambda _: None,
        check_database_name=False,
    )
    assert Person.objects.count() == 300 == counts["members.Person"]
    assert Membership.objects.count() == 100
    assert Supporter.objects.count() == 200
    assert Delivery.objects.count() == counts["comms.Delivery"] > 0
    # Keys were computed for COPYed rows too, and the sequences moved on.
    assert not Person.objects.exclude(email="").filter(email_key="").exists()
    assert Person.objects.create(first_name="N", last_name="Ew").pk > 300


@pytest.mark.django_db
def test_scale_generator_refuses_a_database_not_named_for_it():
    from bench.scale_data import generate

    with pytest.raises(SystemExit, match="scale"):
        generate(scale=0.0001, clps=1, log=lambda _: None)
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_search_results_sorted_by_name_without_the_name_index(client, clp_a, officer_a):
    for last in ("Zeta-Search", "beta-search", "Alpha-Search"):
        factories.PersonFactory(constituency=clp_a, last_name=last)
    client.force_login(officer_a)
    page = _search(client, "search")
    # Case does not change the order; the name index is not walked for it.
    assert (
        page.index("Alpha-Search")
        < page.index("beta-search")
        < page.index("Zeta-Search")
    )
