"""Review fixes: mentoring reminders after a reassignment, mentors of another CLP."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from members.desk import services
from members.models import Mentorship
from tests import factories
from tests.helpers import send_all_mail
from tests.members.desk.conftest import make_mentor, new_member

DAY = datetime.timedelta(days=1)


def test_secretary_still_told_at_14_days_after_a_reassignment(clp_a, secretary_a):
    first = make_mentor(clp_a, first_name="First")
    second = make_mentor(clp_a, first_name="Second")
    joiner = new_member(clp_a, first_name="Nia", last_name="Newby")
    start = timezone.now()
    services.new_joiners_welcome(person_ids=[joiner.pk], now=start)
    mentorship = Mentorship.objects.get(mentee=joiner)
    send_all_mail(now=start)
    other = second if mentorship.mentor == first else first

    services.mentorship_assign(
        mentorship=mentorship, mentor=other, actor=None, now=start + 2 * DAY
    )

    send_all_mail(now=start + 9 * DAY)  # the new mentor's ask and nudge
    at_14 = send_all_mail(now=start + 14 * DAY)
    assert [m.to[0] for m in at_14] == [secretary_a.person.email]
    assert other.person.full_name in at_14[0].body
    assert send_all_mail(now=start + 30 * DAY) == []


def test_a_mentor_of_another_constituency_cannot_be_assigned(clp_a, clp_b):
    joiner = new_member(clp_a)
    mentorship = Mentorship.objects.create(
        mentee=joiner,
        membership=joiner.memberships.get(),
        constituency=clp_a,
    )
    theirs = make_mentor(clp_b)
    with pytest.raises(services.MentorFull):
        services.mentorship_assign(mentorship=mentorship, mentor=theirs, actor=None)
    mentorship.refresh_from_db()
    assert mentorship.mentor_id is None


def test_officer_of_two_clps_cannot_pick_the_other_clps_mentor(client, clp_a, clp_b):
    officer = factories.officer(clp_a, role="membership_secretary")
    factories.OfficeFactory(
        person=officer.person, constituency=clp_b, role="membership_secretary"
    )
    joiner = new_member(clp_a)
    mentorship = Mentorship.objects.create(
        mentee=joiner, membership=joiner.memberships.get(), constituency=clp_a
    )
    theirs = make_mentor(clp_b)
    client.force_login(officer)
    url = reverse("admin:members_mentorship_change", args=[mentorship.pk])
    response = client.post(url, {"mentor": theirs.pk})
    assert response.status_code == 200
    assert "another constituency" in response.text
    mentorship.refresh_from_db()
    assert mentorship.mentor_id is None


def _grow_mentoring(clp, n):
    for _ in range(n):
        mentor = make_mentor(clp, capacity=3)
        joiner = new_member(clp)
        mentorship = Mentorship.objects.create(
            mentee=joiner, membership=joiner.memberships.get(), constituency=clp
        )
        services.mentorship_assign(mentorship=mentorship, mentor=mentor, actor=None)
        services.contact_log_create(
            person=joiner,
            how="call",
            outcome="spoke",
            by_person=mentor.person,
            actor=None,
        )


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:members_mentorship_changelist",
        "admin:members_mentor_changelist",
        "admin:members_contactlog_changelist",
    ],
)
def test_mentoring_lists_have_no_query_per_row(
    client, clp_a, secretary_a, url_name, django_assert_max_num_queries
):
    _grow_mentoring(clp_a, 1)
    client.force_login(secretary_a)
    url = reverse(url_name)
    assert client.get(url).status_code == 200
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    _grow_mentoring(clp_a, 6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


def test_export_for_phoning_leaves_out_numbers_of_those_who_said_no(
    client, clp_a, secretary_a
):
    import csv
    import io

    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

    from partyhub.comms.consent import consent_record
    from partyhub.comms.models import Channel, Method

    people = {}
    for last in ("Callme", "Nocalls", "Nocontact"):
        person = factories.PersonFactory(
            constituency=clp_a,
            last_name=last,
            phone="0121 496 0000",
            mobile="07700 900000",
        )
        people[last] = factories.MembershipFactory(
            person=person, status="arrears", joined=timezone.localdate()
        )
    consent_record(
        person=people["Nocalls"].person,
        channel=Channel.PHONE,
        granted=False,
        method=Method.PORTAL,
    )
    consent_record(
        person=people["Nocontact"].person,
        channel=Channel.ANY,
        granted=False,
        method=Method.PORTAL,
    )
    client.force_login(secretary_a)
    response = client.post(
        reverse("admin:members_deskmembership_changelist") + "?list=arrears",
        {
            "action": "export_for_phoning",
            ACTION_CHECKBOX_NAME: [m.pk for m in people.values()],
        },
    )
    content = b"".join(response.streaming_content).decode()
    rows = {r["last_name"]: r for r in csv.DictReader(io.StringIO(content))}
    assert rows["Callme"]["phone"] == "0121 496 0000"
    assert rows["Callme"]["mobile"] == "07700 900000"
    assert rows["Callme"]["asked_not_to_be_phoned"] == ""
    for last in ("Nocalls", "Nocontact"):
        assert rows[last]["phone"] == rows[last]["mobile"] == ""
        assert rows[last]["asked_not_to_be_phoned"] == "yes"


def test_secretary_told_at_14_days_about_a_new_member_nobody_could_mentor(
    clp_a, secretary_a
):
    joiner = new_member(clp_a, first_name="Nia", last_name="Newby")  # no mentors
    start = timezone.now()
    services.new_joiners_welcome(person_ids=[joiner.pk], now=start)
    assert Mentorship.objects.get(mentee=joiner).mentor_id is None
    assert [m.to[0] for m in send_all_mail(now=start)] == [joiner.email]  # the welcome

    assert send_all_mail(now=start + 13 * DAY) == []
    at_14 = send_all_mail(now=start + 14 * DAY)
    assert [m.to[0] for m in at_14] == [secretary_a.person.email]
    assert "none assigned" in at_14[0].body
    assert send_all_mail(now=start + 30 * DAY) == []


def test_a_mentor_found_later_does_not_mail_the_secretary_twice(clp_a, secretary_a):
    joiner = new_member(clp_a)
    start = timezone.now()
    services.new_joiners_welcome(person_ids=[joiner.pk], now=start)
    send_all_mail(now=start)
    mentor = make_mentor(clp_a)
    services.mentorship_assign(
        mentorship=Mentorship.objects.get(mentee=joiner),
        mentor=mentor,
        actor=None,
        now=start + 3 * DAY,
    )
    sent = [m.to[0] for m in send_all_mail(now=start + 30 * DAY)]
    assert sent.count(secretary_a.person.email) == 1
    assert sent.count(mentor.person.email) == 2  # the ask and the 7-day nudge
