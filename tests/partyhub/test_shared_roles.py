"""Appointing yourself into a shared role: a forum, team or network spanning two
CLPs. Its officers, leads and co-ordinators see contact details only of the people
whose own CLP's officers appointed them; everyone else there by name only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from campaigns.models import Team, TeamLead
from members.models import (
    Forum,
    ForumMembership,
    ForumOfficer,
    Interest,
    PersonInterest,
)
from networks.models import Network, NetworkCoordinator
from partyhub.scoping import appointing_constituency
from tests import factories


def _value(form, name):
    value = form[name].value()
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        # A shared record's other CLP is not among the officer's choices (the
        # admin keeps it on save).
        offered = {
            str(pk) for pk in form.fields[name].queryset.values_list("pk", flat=True)
        }
        return [str(v) for v in value if str(v) in offered]
    return value


def resave_with_row(client, url: str, model, row: dict) -> None:
    """Save an admin change page as the officer sees it, plus one new inline row
    of `model`."""
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: _value(form, name) for name in form.fields}
    for inline in page.context["inline_admin_formsets"]:
        fs = inline.formset
        forms = list(fs.initial_forms)
        data[f"{fs.prefix}-INITIAL_FORMS"] = str(len(forms))
        data[f"{fs.prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{fs.prefix}-MAX_NUM_FORMS"] = "1000"
        for i, f in enumerate(forms):
            for name in f.fields:
                data[f"{fs.prefix}-{i}-{name}"] = _value(f, name)
        total = len(forms)
        if fs.model is model:
            for name, value in row.items():
                data[f"{fs.prefix}-{total}-{name}"] = value
            total += 1
        data[f"{fs.prefix}-TOTAL_FORMS"] = str(total)
    data = {k: v for k, v in data.items() if v != [] and v is not False}
    response = client.post(url, data)
    assert response.status_code == 302, [
        response.context["adminform"].form.errors,
        *(i.formset.errors for i in response.context["inline_admin_formsets"]),
    ]


@pytest.fixture
def people(clp_a, clp_b):
    annie = factories.PersonFactory(
        constituency=clp_a, first_name="Annie", last_name="Aston",
        email="annie@example.org", mobile="07700 900111",
        ward=factories.WardFactory(constituency=clp_a, name="Washwood Heath"),
    )  # fmt: skip
    bert = factories.PersonFactory(
        constituency=clp_b, first_name="Bert", last_name="Burghfield",
        email="bert@example.org", mobile="07700 900222",
        ward=factories.WardFactory(constituency=clp_b, name="Tilehurst"),
    )  # fmt: skip
    for person in (annie, bert):
        factories.MembershipFactory(person=person)
    return annie, bert


def _shows_only_berts_details(text: str) -> None:
    assert "Annie" in text and "Bert" in text
    assert "bert@example.org" in text and "07700 900222" in text
    assert "annie@example.org" not in text and "07700 900111" not in text
    assert "Washwood Heath" not in text


def test_officer_appointing_themselves_forum_officer_sees_only_own_clps_details(
    client, clp_a, clp_b, officer_b, people
):
    annie, bert = people
    forum = Forum.objects.create(name="European Forum", kind="european")
    forum.constituencies.add(clp_a, clp_b)
    for person in people:
        ForumMembership.objects.create(forum=forum, person=person)
    client.force_login(officer_b)
    resave_with_row(
        client,
        reverse("admin:members_forum_change", args=[forum.pk]),
        ForumOfficer,
        {"person": officer_b.person.pk, "role": "chair", "starts": "2020-01-01"},
    )
    office = ForumOfficer.objects.get(person=officer_b.person)
    assert (office.appointed_by, office.appointed_for) == (officer_b, clp_b)
    page = client.get(reverse("portal:forum", args=[forum.pk]))
    assert page.status_code == 200
    _shows_only_berts_details(page.text)


def test_officer_appointing_themselves_team_lead_sees_only_own_clps_details(
    client, clp_a, clp_b, officer_b, people
):
    team = Team.objects.create(name="Team Bridgend")
    team.constituencies.add(clp_a, clp_b)
    team.members.add(*people)
    client.force_login(officer_b)
    resave_with_row(
        client,
        reverse("admin:campaigns_team_change", args=[team.pk]),
        TeamLead,
        {"person": officer_b.person.pk},
    )
    lead = TeamLead.objects.get(person=officer_b.person)
    assert (lead.appointed_by, lead.appointed_for) == (officer_b, clp_b)
    page = client.get(reverse("campaigns:team_contacts", args=[team.pk]))
    assert page.status_code == 200
    _shows_only_berts_details(page.text)


def test_a_shared_teams_lead_appointed_by_nobody_sees_names_only(
    client, clp_a, clp_b, people
):
    """A lead on a shared team from before appointments were recorded (or added
    by hand) sees nobody's details: no CLP's officers vouched for them."""
    lead = factories.member_user(clp_a)
    team = Team.objects.create(name="Tiger Squad")
    team.constituencies.add(clp_a, clp_b)
    team.members.add(*people)
    team.leads.add(lead.person)
    client.force_login(lead)
    text = client.get(reverse("campaigns:team_contacts", args=[team.pk])).text
    assert "Annie" in text and "Bert" in text
    assert "@example.org</a>" not in text and "07700" not in text


def test_a_coordinator_sees_only_the_appointing_clps_people_to_invite(
    client, clp_a, clp_b, officer_b, people
):
    """B's officer makes B's member a co-ordinator of a network A and B share: the
    register of interests offers them B's people, not A's; a co-ordinator of the
    shared network whom no CLP's officer appointed is offered nobody."""
    governor, _ = Interest.objects.get_or_create(
        name="School governor", defaults={"kind": "role"}
    )
    for person in people:
        PersonInterest.objects.create(person=person, interest=governor)
    network = Network.objects.create(name="School governors")
    network.constituencies.add(clp_a, clp_b)
    network.interests.add(governor)
    coordinator = factories.member_user(clp_b)
    client.force_login(officer_b)
    resave_with_row(
        client,
        reverse("admin:networks_network_change", args=[network.pk]),
        NetworkCoordinator,
        {"person": coordinator.person.pk},
    )
    row = NetworkCoordinator.objects.get(person=coordinator.person)
    assert (row.appointed_by, row.appointed_for) == (officer_b, clp_b)
    client.force_login(coordinator)
    text = client.get(reverse("networks:invite", args=[network.pk])).text
    assert "Bert Burghfield" in text and "Annie" not in text

    unvouched = factories.member_user(clp_a)
    network.coordinators.add(unvouched.person)  # no appointing CLP recorded
    client.force_login(unvouched)
    text = client.get(reverse("networks:invite", args=[network.pk])).text
    assert "Annie" not in text and "Bert" not in text


def test_appointing_constituency_is_the_actors_own(clp_a, clp_b, superuser):
    both = factories.officer(clp_a)
    factories.OfficeFactory(person=both.person, role="chair", constituency=clp_b)
    clp_c = factories.ConstituencyFactory(name="Bridgend", slug="bridgend")
    officer_a = factories.officer(clp_a)
    spans = {clp_a.pk, clp_b.pk}
    # The holder's own CLP when the actor acts for it; else their only one.
    assert appointing_constituency(officer_a, spans=spans, holder_constituency_id=clp_b.pk) == clp_a.pk  # fmt: skip
    assert appointing_constituency(both, spans=spans, holder_constituency_id=clp_b.pk) == clp_b.pk  # fmt: skip
    assert appointing_constituency(both, spans=spans, holder_constituency_id=clp_c.pk) is None  # fmt: skip
    assert appointing_constituency(officer_a, spans={clp_b.pk}, holder_constituency_id=clp_a.pk) is None  # fmt: skip
    assert appointing_constituency(superuser, spans=spans, holder_constituency_id=clp_b.pk) == clp_b.pk  # fmt: skip
    assert appointing_constituency(None, spans=spans, holder_constituency_id=clp_b.pk) is None  # fmt: skip
