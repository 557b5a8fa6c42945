"""The candidate pipeline: seen only by the chair, secretary and political education
officer of the CLP; eligibility facts computed and shown; members can say they are
interested from the portal."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import (
    Candidate,
    ElectedRepresentative,
    Forum,
    ShadowingPlacement,
)
from partyhub.audit.models import AuditEntry
from tests import factories
from tests.members.talent.conftest import member


@pytest.fixture
def hopeful(clp_a, governor):
    person = member(clp_a, first_name="Hana", last_name="Hopeful")
    membership = person.memberships.get()
    membership.joined = timezone.localdate() - datetime.timedelta(days=3 * 365 + 10)
    membership.save()
    person.academy_graduated_on = datetime.date(2025, 6, 1)
    person.save()
    person.interests.create(interest=governor, detail="Oak Primary")
    return Candidate.objects.create(
        person=person, office_sought="councillor", constituency=clp_a
    )


@pytest.mark.parametrize("role", ["chair", "secretary", "political_education"])
def test_candidate_officers_see_the_pipeline(client, clp_a, hopeful, role):
    client.force_login(factories.officer(clp_a, role=role))
    response = client.get(reverse("admin:members_candidate_changelist"))
    assert response.status_code == 200
    assert "Hopeful" in response.text
    page = client.get(reverse("admin:members_candidate_change", args=[hopeful.pk]))
    assert page.status_code == 200


@pytest.mark.parametrize(
    "role", ["treasurer", "social_secretary", "membership_secretary"]
)
def test_other_officers_of_the_same_clp_get_403(client, clp_a, hopeful, role):
    client.force_login(factories.officer(clp_a, role=role))
    assert client.get(reverse("admin:members_candidate_changelist")).status_code == 403
    url = reverse("admin:members_candidate_change", args=[hopeful.pk])
    assert client.get(url).status_code == 403
    index = client.get(reverse("admin:index"))
    assert "Candidates" not in index.text


def test_chair_of_another_clp_gets_404(client, clp_b, hopeful):
    client.force_login(factories.officer(clp_b, role="chair"))
    url = reverse("admin:members_candidate_change", args=[hopeful.pk])
    assert client.get(url).status_code == 404
    listing = client.get(reverse("admin:members_candidate_changelist"))
    assert "Hopeful" not in listing.text


def test_eligibility_facts_are_shown(client, clp_a, hopeful):
    client.force_login(factories.officer(clp_a, role="political_education"))
    page = client.get(reverse("admin:members_candidate_change", args=[hopeful.pk]))
    text = page.text
    assert "Good standing (current membership)" in text
    assert "(3 years)" in text
    assert "2025-06-01" in text or "June 1, 2025" in text or "1 June 2025" in text
    assert "School governor" in text


def test_lapsed_candidate_is_not_in_good_standing(client, clp_a, hopeful):
    hopeful.person.memberships.update(status="lapsed")
    client.force_login(factories.officer(clp_a, role="chair"))
    listing = client.get(reverse("admin:members_candidate_changelist"))
    assert 'alt="False"' in listing.text
    assert 'alt="True"' in listing.text  # still an academy graduate


def test_list_queries_do_not_grow(
    client, clp_a, hopeful, django_assert_max_num_queries
):
    user = factories.officer(clp_a, role="chair")
    client.force_login(user)
    url = reverse("admin:members_candidate_changelist")
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for n in range(15):
        person = member(clp_a, first_name=f"C{n}", last_name="Keen")
        Candidate.objects.create(
            person=person, office_sought="councillor", constituency=clp_a
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.text.count("Keen") >= 15


def test_placement_needs_someone_to_shadow(hopeful):
    from django.core.exceptions import ValidationError

    placement = ShadowingPlacement(candidate=hopeful, starts=timezone.localdate())
    with pytest.raises(ValidationError) as error:
        placement.full_clean()
    assert "representative" in error.value.message_dict


def test_chair_records_a_shadowing_placement(client, clp_a, hopeful):
    councillor = member(clp_a, first_name="Cllr", last_name="Councillor")
    rep = ElectedRepresentative.objects.create(
        person=councillor, role="councillor", constituency=clp_a
    )
    client.force_login(factories.officer(clp_a, role="chair"))
    response = client.post(
        reverse("admin:members_shadowingplacement_add"),
        {
            "candidate": hopeful.pk,
            "representative": rep.pk,
            "with_person": "",
            "starts": "2026-01-05",
            "ends": "",
            "notes": "Surgeries on Saturdays",
        },
    )
    assert response.status_code == 302
    placement = hopeful.placements.get()
    assert placement.representative == rep
    assert AuditEntry.objects.filter(action="shadowingplacement.create").exists()


# --- the portal ----------------------------------------------------------------------


def test_member_says_they_want_to_stand(client, member_a, clp_a):
    client.force_login(member_a)
    url = reverse("portal:standing")
    response = client.post(url, {"office_sought": "councillor", "notes": "My ward"})
    assert response.status_code == 302
    candidate = Candidate.objects.get(person=member_a.person)
    assert candidate.stage == Candidate.Stage.INTERESTED
    assert candidate.constituency == clp_a
    assert candidate.ward == member_a.person.ward
    # Saying it twice changes nothing.
    client.post(url, {"office_sought": "councillor"})
    assert Candidate.objects.filter(person=member_a.person).count() == 1
    assert "Ward councillor" in client.get(url).text
    assert AuditEntry.objects.filter(action="candidate.express_interest").count() == 1


def test_standing_form_without_office_explains(client, member_a):
    client.force_login(member_a)
    response = client.post(reverse("portal:standing"), {"office_sought": ""})
    assert response.status_code == 200
    assert "Choose the office you would like to stand for." in response.text
    assert not Candidate.objects.exists()


def test_audit_log_hides_candidacies_from_officers_who_cannot_see_them(
    client, clp_a, hopeful
):
    from partyhub.audit.services import audit_log

    audit_log(actor=None, action="candidate.express_interest", obj=hopeful)
    audit_log(actor=None, action="person.change", obj=hopeful.person)
    url = reverse("admin:audit_auditentry_changelist")

    client.force_login(factories.officer(clp_a, role="treasurer"))
    page = client.get(url)
    assert page.status_code == 200
    assert "person.change" in page.text
    assert "candidate.express_interest" not in page.text

    client.force_login(factories.officer(clp_a, role="chair"))
    assert "candidate.express_interest" in client.get(url).text


def test_placement_list_has_no_query_per_row(
    client, clp_a, django_assert_max_num_queries
):
    import datetime

    from members.models import Candidate, ElectedRepresentative, ShadowingPlacement
    from tests import factories
    from tests.members.talent.conftest import member

    def grow(n):
        for i in range(n):
            hopeful = member(clp_a, first_name=f"H{i}", last_name="Hopeful")
            candidate = Candidate.objects.create(
                person=hopeful, office_sought="councillor", constituency=clp_a
            )
            cllr = member(clp_a, first_name=f"C{i}", last_name="Councillor")
            rep = ElectedRepresentative.objects.create(
                person=cllr, role="councillor", constituency=clp_a
            )
            ShadowingPlacement.objects.create(
                candidate=candidate,
                representative=rep,
                starts=datetime.date(2026, 1, 1),
            )
            ShadowingPlacement.objects.create(
                candidate=candidate, with_person=cllr, starts=datetime.date(2026, 2, 1)
            )

    grow(1)
    client.force_login(factories.officer(clp_a, role="chair"))
    url = reverse("admin:members_shadowingplacement_changelist")
    assert client.get(url).status_code == 200
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    grow(5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.text.count("Hopeful") >= 12


def test_two_clps_see_only_their_own_placements_mentorships_and_forum_officers(
    client, clp_a, clp_b
):
    import datetime

    from members.models import (
        Candidate,
        ForumOfficer,
        Mentorship,
        ShadowingPlacement,
    )
    from tests import factories
    from tests.members.talent.conftest import member

    rows = {}
    for clp, last in ((clp_a, "Alpha"), (clp_b, "Bravo")):
        hopeful = member(clp, first_name="Hope", last_name=last)
        candidate = Candidate.objects.create(
            person=hopeful, office_sought="councillor", constituency=clp
        )
        cllr = member(clp, first_name="Cllr", last_name=last)
        placement = ShadowingPlacement.objects.create(
            candidate=candidate, with_person=cllr, starts=datetime.date(2026, 1, 1)
        )
        mentorship = Mentorship.objects.create(
            mentee=hopeful, membership=hopeful.memberships.get(), constituency=clp
        )
        forum = Forum.objects.create(name=f"Forum {last}", kind="women")
        forum.constituencies.add(clp)
        office = ForumOfficer.objects.create(forum=forum, person=cllr, role="chair")
        rows[last] = {
            "shadowingplacement": placement,
            "mentorship": mentorship,
            "forumofficer": office,
        }
    chairs = {
        "Alpha": factories.officer(clp_a, role="chair"),
        "Bravo": factories.officer(clp_b, role="chair"),
    }
    for mine, theirs in (("Alpha", "Bravo"), ("Bravo", "Alpha")):
        client.force_login(chairs[mine])
        for model, obj in rows[mine].items():
            listing = client.get(reverse(f"admin:members_{model}_changelist"))
            assert listing.status_code == 200, model
            assert mine in listing.text and theirs not in listing.text, model
            own = reverse(f"admin:members_{model}_change", args=[obj.pk])
            assert client.get(own).status_code == 200, model
            other = rows[theirs][model]
            url = reverse(f"admin:members_{model}_change", args=[other.pk])
            assert client.get(url).status_code == 404, model
