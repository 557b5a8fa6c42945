"""The pages: the member portal and the secretary's admin, scoped. Another CLP's
officers, a member who is not entitled, an officer without two-factor and an
anonymous visitor see none of it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from governance import services
from governance.models import Attendance, Body, Election, Motion
from tests import factories
from tests.governance.conftest import call, member


@pytest.fixture
def meeting(gc, officer_a):
    return call(gc, officer_a, title="Spring GC")


@pytest.fixture
def mover(clp_a):
    return member(clp_a, user=True, first_name="Maya", last_name="Mover")


@pytest.fixture
def seconder(clp_a):
    return member(clp_a, first_name="Sam", last_name="Second")


def _admin_urls(meeting):
    return [
        reverse("admin:governance_meeting_change", args=[meeting.pk]),
        reverse("admin:governance_meeting_run", args=[meeting.pk]),
        reverse("admin:governance_meeting_minutes", args=[meeting.pk]),
        reverse("admin:governance_meeting_post", args=[meeting.pk]),
    ]


@pytest.mark.django_db
def test_member_submits_a_motion_in_the_portal_and_follows_it(
    client, meeting, mover, seconder, officer_a
):
    client.force_login(mover.user)
    home = client.get(reverse("governance:mine"))
    assert "Spring GC" in home.content.decode()
    page = client.get(reverse("governance:meeting", args=[meeting.pk]))
    assert "Submit a motion or amendment" in page.content.decode()
    number = seconder.memberships.get().membership_number
    response = client.post(
        reverse("governance:motion_new", args=[meeting.pk]),
        {"title": "Save the library", "text": "We resolve...", "seconder": number},
    )
    assert response.status_code == 302
    motion = Motion.objects.get()
    assert (motion.mover, motion.seconder) == (mover, seconder)
    assert "Submitted" in client.get(reverse("governance:mine")).content.decode()
    services.motion_accept(motion=motion, actor=officer_a)
    assert "On the agenda" in client.get(reverse("governance:mine")).content.decode()
    # A seconder who is not a member is refused next to the field.
    bad = client.post(
        reverse("governance:motion_new", args=[meeting.pk]),
        {"title": "T", "text": "X", "seconder": "NOPE"},
    )
    assert "No member has that membership number." in bad.content.decode()


@pytest.mark.django_db
def test_seconding_yourself_is_refused_with_a_message(client, meeting, mover):
    client.force_login(mover.user)
    response = client.post(
        reverse("governance:motion_new", args=[meeting.pk]),
        {
            "title": "T",
            "text": "X",
            "seconder": mover.memberships.get().membership_number,
        },
    )
    assert "someone other than the mover" in response.content.decode()
    assert not Motion.objects.exists()


@pytest.mark.django_db
def test_other_clps_member_and_visitor_see_nothing(client, meeting, clp_b):
    url = reverse("governance:meeting", args=[meeting.pk])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    outsider = member(clp_b, user=True)
    client.force_login(outsider.user)
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("governance:motion_new", args=[meeting.pk])).status_code
        == 404
    )
    assert "Spring GC" not in client.get(reverse("governance:mine")).content.decode()


@pytest.mark.django_db
def test_a_member_not_entitled_to_the_executive_sees_nothing(
    client, clp_a, officer_a, mover
):
    ec = Body.objects.create(constituency=clp_a, kind=Body.Kind.EXECUTIVE, name="EC")
    ec_meeting = call(ec, officer_a, title="Executive")
    client.force_login(mover.user)
    assert (
        client.get(reverse("governance:meeting", args=[ec_meeting.pk])).status_code
        == 404
    )


@pytest.mark.django_db
def test_another_clps_officer_gets_404_everywhere(
    client, meeting, officer_b, mover, seconder
):
    services.motion_submit(
        meeting=meeting, mover=mover, seconder=seconder, title="Secret plan", text="x"
    )
    client.force_login(officer_b)
    for url in _admin_urls(meeting):
        assert client.get(url).status_code == 404, url
    listing = client.get(reverse("admin:governance_motion_changelist"))
    assert listing.status_code == 200
    assert "Secret plan" not in listing.content.decode()
    assert (
        "Spring GC"
        not in client.get(
            reverse("admin:governance_meeting_changelist")
        ).content.decode()
    )
    response = client.post(
        reverse("admin:governance_meeting_run", args=[meeting.pk]),
        {"op": "here", "person": mover.pk},
    )
    assert response.status_code == 404
    assert not Attendance.objects.exists()


@pytest.mark.django_db
def test_officer_without_two_factor_is_sent_to_set_it_up(client, meeting, clp_a):
    no_2fa = factories.officer(clp_a, two_factor=False)
    client.force_login(no_2fa)
    for url in _admin_urls(meeting):
        response = client.get(url)
        assert response.status_code == 302, url


@pytest.mark.django_db
def test_secretary_calls_a_meeting_from_the_admin(client, gc, officer_a):
    client.force_login(officer_a)
    starts = timezone.localtime() + datetime.timedelta(days=3)
    data = {
        "body": gc.pk,
        "title": "Too soon",
        "starts": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends": (starts + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
    }
    response = client.post(reverse("admin:governance_meeting_add"), data)
    assert "7 days&#x27; notice" in response.content.decode()
    starts += datetime.timedelta(days=10)
    data.update(
        title="Summer GC",
        starts=starts.strftime("%Y-%m-%dT%H:%M"),
        ends=(starts + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        online_link="https://meet.example.org/gc",
    )
    response = client.post(reverse("admin:governance_meeting_add"), data)
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "Summer GC" in page.content.decode()
    assert "Run the meeting" in page.content.decode()


@pytest.mark.django_db
def test_run_page_ticks_attendance_and_shows_quorum(client, meeting, officer_a, clp_a):
    people = [member(clp_a, first_name=f"P{i}") for i in range(3)]
    client.force_login(officer_a)
    url = reverse("admin:governance_meeting_run", args=[meeting.pk])
    assert "Not quorate yet." in client.get(url).content.decode()
    for p in people:
        client.post(url, {"op": "here", "person": p.pk})
    page = client.get(url).content.decode()
    assert "Quorate." in page
    assert "3 entitled to vote present, 3 needed" in page


@pytest.mark.django_db
def test_run_page_query_count_is_flat(
    client, meeting, officer_a, clp_a, django_assert_max_num_queries
):
    client.force_login(officer_a)
    url = reverse("admin:governance_meeting_run", args=[meeting.pk])
    for _ in range(3):
        member(clp_a)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(15):
        member(clp_a)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


@pytest.mark.django_db
def test_vote_in_the_portal_once(client, clp_a, officer_a, mover, seconder):
    agm = Body.objects.create(constituency=clp_a, kind=Body.Kind.AGM, name="AGM")
    election = services.election_create(
        body=agm,
        role="chair",
        term_starts=timezone.localdate() + datetime.timedelta(days=5),
        nominations_close=timezone.now() + datetime.timedelta(days=1),
        method=Election.Method.ONLINE,
        actor=officer_a,
    )
    n = services.nomination_add(election=election, person=seconder, actor=officer_a)
    services.ballot_open(election=election, actor=officer_a)
    client.force_login(mover.user)
    assert (
        "Vote: Election of Chair"
        in client.get(reverse("governance:mine")).content.decode()
    )
    url = reverse("governance:ballot", args=[election.pk])
    assert client.post(url, {"candidate": n.pk}).status_code == 302
    again = client.get(url).content.decode()
    assert "You have voted." in again
    second = client.post(url, {"candidate": n.pk}).content.decode()
    assert "already voted" in second
    assert election.casts.count() == 1


@pytest.mark.django_db
def test_minutes_page_and_pdf(client, meeting, officer_a, mover):
    minutes = services.minutes_draft(meeting=meeting, actor=officer_a)
    client.force_login(mover.user)
    pdf_url = reverse("governance:minutes_pdf", args=[meeting.pk])
    # A draft not yet circulated is the secretary's alone.
    assert client.get(pdf_url).status_code == 404
    services.minutes_circulate(minutes=minutes, actor=officer_a)
    page = client.get(reverse("governance:meeting", args=[meeting.pk])).content.decode()
    assert "Draft: to be approved at the next meeting" in page
    response = client.get(pdf_url)
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_member_checks_themselves_in_on_the_day(client, gc, officer_a, mover):
    meeting = call(gc, officer_a)
    client.force_login(mover.user)
    url = reverse("governance:check_in", args=[meeting.pk])
    client.post(url)
    assert not Attendance.objects.exists()  # a fortnight early
    event = meeting.event
    event.starts = timezone.now() - datetime.timedelta(minutes=5)
    event.ends = timezone.now() + datetime.timedelta(hours=2)
    event.save()
    client.post(url)
    assert Attendance.objects.get().how == Attendance.How.SELF
    page = client.get(reverse("governance:meeting", args=[meeting.pk])).content.decode()
    assert "You are checked in" in page


@pytest.mark.django_db
def test_papers_reach_those_entitled_only(
    client, meeting, officer_a, mover, clp_b, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    paper = services.paper_add(
        meeting=meeting,
        title="Treasurer's report",
        file=SimpleUploadedFile("report.txt", b"Balance: 1,234.56"),
        actor=officer_a,
    )
    client.force_login(mover.user)
    page = client.get(reverse("governance:meeting", args=[meeting.pk])).content.decode()
    assert "Treasurer&#x27;s report" in page
    response = client.get(reverse("governance:paper", args=[paper.pk]))
    assert b"".join(response.streaming_content) == b"Balance: 1,234.56"
    client.force_login(member(clp_b, user=True).user)
    assert client.get(reverse("governance:paper", args=[paper.pk])).status_code == 404


@pytest.mark.django_db
def test_accepting_a_motion_and_its_amendment_together(
    client, meeting, officer_a, mover, seconder
):
    motion = services.motion_submit(
        meeting=meeting, mover=mover, seconder=seconder, title="M", text="x"
    )
    amendment = services.motion_submit(
        meeting=meeting,
        mover=seconder,
        seconder=mover,
        title="A",
        text="y",
        amends=motion,
    )
    client.force_login(officer_a)
    response = client.post(
        reverse("admin:governance_motion_changelist"),
        {"action": "accept", "_selected_action": [amendment.pk, motion.pk], "index": 0},
        follow=True,
    )
    assert "2 put on the agenda." in response.content.decode()
    assert set(Motion.objects.values_list("status", flat=True)) == {
        Motion.Status.ON_AGENDA
    }


@pytest.mark.django_db
def test_my_meetings_query_count_is_flat(client, gc, officer_a, mover):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(mover.user)
    call(gc, officer_a, days=10)
    client.get(reverse("governance:mine"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("governance:mine"))
    for days in range(11, 19):
        call(gc, officer_a, days=days)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("governance:mine")).content.decode().count("GC") >= 9
    assert len(many) == len(few)


@pytest.mark.django_db
def test_notice_by_post_lists_those_without_email(client, meeting, officer_a, clp_a):
    member(clp_a, first_name="Pat", last_name="Paper", email="", town="Hodge Hill")
    client.force_login(officer_a)
    page = client.get(reverse("admin:governance_meeting_post", args=[meeting.pk]))
    assert "Pat Paper" in page.content.decode()


@pytest.mark.django_db
def test_election_run_from_the_admin_at_the_meeting(
    client, clp_a, officer_a, officer_b
):
    agm = Body.objects.create(constituency=clp_a, kind=Body.Kind.AGM, name="AGM")
    election = services.election_create(
        body=agm,
        role="treasurer",
        term_starts=timezone.localdate() + datetime.timedelta(days=3),
        nominations_close=timezone.now() + datetime.timedelta(days=1),
        method=Election.Method.AT_MEETING,
        actor=officer_a,
    )
    ann = member(clp_a, first_name="Ann", last_name="Able")
    url = reverse("admin:governance_election_manage", args=[election.pk])
    client.force_login(officer_b)
    assert client.get(url).status_code == 404
    assert client.post(url, {"op": "nominate", "number": "x"}).status_code == 404
    client.force_login(officer_a)
    number = ann.memberships.get().membership_number
    client.post(url, {"op": "nominate", "number": number})
    nomination = election.nominations.get()
    client.post(url, {"op": "counts", f"n{nomination.pk}": "31"})
    page = client.get(url).content.decode()
    assert "31" in page and "Declare the result" in page
    response = client.post(url, {"op": "declare"}, follow=True)
    assert "Elected: Ann Able" in response.content.decode()
    assert ann.offices.get(role="treasurer").starts == election.term_starts
