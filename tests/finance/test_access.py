"""Only the treasurer and the chair of a CLP (and those they delegate to) see its
donors; another CLP's officers see none of it; officers without two-factor,
members and anonymous visitors see nothing."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from finance import services
from finance.models import FinanceDelegate
from partyhub.errors import DomainError
from tests import factories

D = datetime.date


@pytest.fixture
def donation(treasurer_a, clp_a, donor_person):
    donor = services.donor_for_person(
        actor=treasurer_a, constituency=clp_a, person=donor_person
    )
    d = services.donation_record(
        actor=treasurer_a, donor=donor, value=Decimal("1000.00"),
        received_on=D(2026, 2, 1),
    )  # fmt: skip
    services.donation_check(
        actor=treasurer_a, donation=d, permissible=True, evidence="Register"
    )
    services.donation_accept(actor=treasurer_a, donation=d, accepted_on=D(2026, 2, 2))
    return d


PAGES = [
    ("admin:finance_donation_changelist", False),
    ("admin:finance_donor_changelist", False),
    ("admin:finance_donation_change", True),
    ("admin:finance_donation_reports", False),
]


def _get(client, user, name, donation):
    client.force_login(user)
    args = [donation.pk] if name.endswith("_change") else []
    query = "?year=2026&quarter=1" if name.endswith("reports") else ""
    return client.get(reverse(name, args=args) + query)


@pytest.mark.parametrize("role", ["treasurer", "chair"])
def test_treasurer_and_chair_see_the_donor(client, clp_a, donation, role):
    user = factories.officer(clp_a, role=role)
    for name, _obj in PAGES[:3]:
        response = _get(client, user, name, donation)
        assert response.status_code == 200, name
        assert "Dora Donne" in response.content.decode()


@pytest.mark.parametrize(
    "role", ["secretary", "membership_secretary", "social_secretary"]
)
def test_other_officers_of_the_clp_see_no_donor(client, clp_a, donation, role):
    user = factories.officer(clp_a, role=role)
    for name, _has_obj in PAGES:
        response = _get(client, user, name, donation)
        assert response.status_code in (403, 404), name
        assert "Dora Donne" not in response.content.decode()
    # Nor on the officers' home.
    client.force_login(user)
    home = client.get(reverse("admin:index")).content.decode()
    assert "Donations waiting" not in home


def test_another_clps_treasurer_sees_none_of_it(client, clp_b, donation, treasurer_b):
    for name, has_obj in PAGES:
        response = _get(client, treasurer_b, name, donation)
        body = response.content.decode()
        assert "Dora Donne" not in body
        if has_obj:
            assert response.status_code == 404
    client.force_login(treasurer_b)
    csv = client.get(
        reverse("admin:finance_donation_quarter_csv") + "?year=2026&quarter=1"
    )
    assert csv.status_code == 200
    assert "Donne" not in csv.content.decode()
    assert csv.content.decode().count("\n") == 1  # the header only
    entries = client.get(reverse("admin:finance_entry_changelist")).content.decode()
    assert "Donation no." not in entries


def test_a_treasurer_without_two_factor_sees_nothing(client, clp_a, donation):
    user = factories.officer(clp_a, role="treasurer", two_factor=False)
    for name, _has_obj in PAGES:
        response = _get(client, user, name, donation)
        assert "Dora Donne" not in response.content.decode()
        assert response.status_code in (302, 403, 404)
    with pytest.raises(DomainError):
        services.donation_record(
            actor=user, donor=donation.donor, value="5.00", received_on=D(2026, 1, 1)
        )


def test_members_and_visitors_see_nothing(client, clp_a, donation, member_a):
    for user in (member_a, None):
        client.logout()
        if user:
            client.force_login(user)
        for name, has_obj in PAGES:
            args = [donation.pk] if has_obj else []
            response = client.get(reverse(name, args=args))
            assert response.status_code in (302, 403, 404)
            assert "Dora Donne" not in response.content.decode()


def test_the_treasurer_delegates_and_ends_it(client, clp_a, treasurer_a, donation):
    helper = factories.officer(clp_a, role="secretary")
    with pytest.raises(DomainError, match="Only the treasurer or the chair"):
        services.delegate_grant(actor=helper, constituency=clp_a, person=helper.person)
    row = services.delegate_grant(
        actor=treasurer_a, constituency=clp_a, person=helper.person
    )
    client.force_login(helper)
    page = client.get(reverse("admin:finance_donation_change", args=[donation.pk]))
    assert page.status_code == 200
    assert "Dora Donne" in page.content.decode()
    # A delegate may not delegate again.
    with pytest.raises(DomainError):
        services.delegate_grant(
            actor=helper, constituency=clp_a,
            person=factories.PersonFactory(constituency=clp_a),
        )  # fmt: skip
    services.delegate_end(actor=treasurer_a, delegate=row)
    assert FinanceDelegate.objects.get(pk=row.pk).ends < D.today()
    client.logout()
    client.force_login(helper)
    page = client.get(reverse("admin:finance_donation_change", args=[donation.pk]))
    assert page.status_code in (403, 404)


def test_a_treasurer_here_and_secretary_elsewhere_sees_only_here(
    client, clp_a, clp_b, donation, treasurer_b
):
    # Treasurer of B who is also secretary of A: A's donors stay hidden.
    factories.OfficeFactory(person=treasurer_b.person, role="secretary",
                            constituency=clp_a)  # fmt: skip
    client.force_login(treasurer_b)
    response = client.get(reverse("admin:finance_donation_changelist"))
    assert response.status_code == 200
    assert "Dora Donne" not in response.content.decode()
    response = client.get(reverse("admin:finance_donation_change", args=[donation.pk]))
    assert response.status_code == 404
    with pytest.raises(DomainError):
        services.donation_accept(actor=treasurer_b, donation=donation)
