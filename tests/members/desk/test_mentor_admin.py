"""Mentors and mentorships in the admin: scoped, validated, assigned via the service."""

from django.urls import reverse

from members.desk import services
from members.models import Mentor, Mentorship
from members.signals import members_joined
from partyhub.comms.models import Reminder
from tests import factories
from tests.members.desk.conftest import make_mentor, new_member

ADD = reverse("admin:members_mentor_add")


def test_mentor_branch_must_be_of_the_constituency(client, clp_a, secretary_a):
    person = factories.PersonFactory(constituency=clp_a)
    client.force_login(secretary_a)
    response = client.post(
        ADD, {"person": person.pk, "constituency": clp_a.pk, "capacity": 3}
    )
    assert "must be a member in good standing" in response.text
    factories.MembershipFactory(person=person)
    foreign_branch = factories.BranchFactory(
        constituency=factories.ConstituencyFactory()
    )
    own_branch = factories.BranchFactory(constituency=clp_a)
    client.force_login(secretary_a)
    data = {
        "person": person.pk,
        "constituency": clp_a.pk,
        "capacity": 0,
        "active": "on",
    }
    response = client.post(ADD, {**data, "branch": foreign_branch.pk})
    assert response.status_code == 200
    assert "is not one of yours" in response.text  # not even offered
    response = client.post(ADD, {**data, "branch": own_branch.pk})
    assert "at least one new member" in response.text
    assert not Mentor.objects.exists()
    response = client.post(ADD, {**data, "branch": own_branch.pk, "capacity": 3})
    assert response.status_code == 302
    assert Mentor.objects.get().branch == own_branch


def test_mentor_list_is_scoped_and_counts_mentees(client, clp_a, clp_b, secretary_a):
    mine = make_mentor(clp_a, last_name="Ours", capacity=4)
    make_mentor(clp_b, last_name="Theirs")
    members_joined.send(sender=None, person_ids=[new_member(clp_a).pk])
    client.force_login(secretary_a)
    response = client.get(reverse("admin:members_mentor_changelist"))
    assert "Ours" in response.text and "Theirs" not in response.text
    assert mine.mentorships.count() == 1
    assert '<td class="field-mentees">1</td>' in response.text


def test_reassigning_in_the_admin_respects_capacity_and_moves_reminders(
    client, clp_a, secretary_a
):
    first = make_mentor(clp_a, capacity=1)
    joiner = new_member(clp_a)
    members_joined.send(sender=None, person_ids=[joiner.pk])
    mentorship = Mentorship.objects.get(mentee=joiner)
    assert mentorship.mentor == first
    full = make_mentor(clp_a, capacity=1, last_name="Busy")
    members_joined.send(sender=None, person_ids=[new_member(clp_a).pk])
    second = make_mentor(clp_a, capacity=1, last_name="Second")
    url = reverse("admin:members_mentorship_change", args=[mentorship.pk])
    client.force_login(secretary_a)
    response = client.post(url, {"mentor": full.pk})
    assert "already has 1 new members" in response.text
    response = client.post(url, {"mentor": second.pk})
    assert response.status_code == 302
    mentorship.refresh_from_db()
    assert mentorship.mentor == second
    pending = Reminder.objects.filter(
        kind=services.MENTOR_NUDGE, status=Reminder.Status.PENDING
    )
    assert set(pending.values_list("person", flat=True)) == {
        second.person_id,
        full.person_id,
    }
