"""Supporters who become members: the same Person, counted once, by month and by
source, each constituency seeing only its own numbers."""

import datetime

from django.urls import reverse

from members.models import Person
from supporters.models import Supporter
from supporters.services import conversion_stats
from tests import factories

JAN = datetime.date(2026, 1, 10)
FEB = datetime.date(2026, 2, 3)


def make_supporter(
    clp, joined, source=Supporter.Source.FORM, status=Supporter.Status.CONFIRMED
):
    person = factories.PersonFactory(constituency=clp)
    Supporter.objects.create(
        person=person,
        constituency=clp,
        status=status,
        source=source,
        joined=joined,
    )
    return person


def join_party(person, joined):
    return factories.MembershipFactory(person=person, joined=joined)


def test_supporter_with_two_memberships_counts_once(clp_a):
    person = make_supporter(clp_a, JAN)
    join_party(person, JAN + datetime.timedelta(days=20))
    join_party(person, FEB + datetime.timedelta(days=40))
    make_supporter(clp_a, JAN)  # not (yet) a member
    stats = conversion_stats(constituency_ids=frozenset({clp_a.pk}))
    assert (stats.total.supporters, stats.total.converted) == (2, 1)
    assert [(r.label, r.supporters, r.converted) for r in stats.by_month] == [
        ("2026-01", 2, 1)
    ]
    assert stats.total.rate == 0.5


def test_membership_before_joining_the_club_is_not_a_conversion(clp_a):
    person = make_supporter(clp_a, FEB)
    join_party(person, JAN)  # a lapsed member who later joined the club
    stats = conversion_stats(constituency_ids=frozenset({clp_a.pk}))
    assert stats.total.converted == 0


def test_conversion_is_the_same_person(clp_a):
    person = make_supporter(clp_a, JAN)
    join_party(person, FEB)
    assert Person.objects.count() == 1
    assert person.supporter and person.memberships.count() == 1


def test_by_month_and_by_source(clp_a):
    a = make_supporter(clp_a, JAN, Supporter.Source.FORM)
    make_supporter(clp_a, JAN, Supporter.Source.PHONE)
    c = make_supporter(clp_a, FEB, Supporter.Source.PHONE)
    join_party(a, FEB)
    join_party(c, FEB)
    stats = conversion_stats(constituency_ids=None)
    assert [(r.label, r.supporters, r.converted) for r in stats.by_month] == [
        ("2026-01", 2, 1),
        ("2026-02", 1, 1),
    ]
    assert {(r.label, r.supporters, r.converted) for r in stats.by_source} == {
        ("Signup form", 1, 1),
        ("Phone call", 2, 1),
    }


def test_officers_see_only_their_constituency_numbers(
    client, clp_a, clp_b, officer_a, officer_b
):
    for _ in range(3):
        join_party(make_supporter(clp_a, JAN), FEB)
    make_supporter(clp_b, JAN)
    stats_b = conversion_stats(constituency_ids=frozenset({clp_b.pk}))
    assert (stats_b.total.supporters, stats_b.total.converted) == (1, 0)
    client.force_login(officer_b)
    url = reverse("admin:supporters_supporter_conversion")
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["stats"].total.supporters == 1
    assert response.context["stats"].total.converted == 0
    assert "0 of 1 supporters became members" in response.text
    client.force_login(officer_a)
    response = client.get(url)
    assert "3 of 3 supporters became members" in response.text


def test_conversion_page_is_linked_from_the_supporters_list(client, officer_a):
    client.force_login(officer_a)
    response = client.get(reverse("admin:supporters_supporter_changelist"))
    assert reverse("admin:supporters_supporter_conversion") in response.text
    assert reverse("admin:supporters_supporter_import") in response.text


def test_member_without_office_cannot_see_conversion(client, member_a):
    client.force_login(member_a)
    response = client.get(reverse("admin:supporters_supporter_conversion"))
    assert response.status_code in (302, 403)


def test_unconfirmed_signups_are_not_counted(clp_a):
    make_supporter(clp_a, JAN, status=Supporter.Status.PENDING)
    join_party(make_supporter(clp_a, JAN, status=Supporter.Status.LEFT), FEB)
    stats = conversion_stats(constituency_ids=frozenset({clp_a.pk}))
    assert (stats.total.supporters, stats.total.converted) == (1, 1)
