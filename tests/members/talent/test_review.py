"""Review fixes: a forum shared with another CLP is not deleted by one CLP alone."""

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from members.models import Forum, ForumMembership
from tests.members.talent import test_forums

forums = test_forums.forums  # the fixture, shared


def test_officer_cannot_delete_a_forum_shared_with_another_clp(
    client,
    officer_a,
    forums,
):
    women, europe, *_ = forums
    client.force_login(officer_a)
    url = reverse("admin:members_forum_delete", args=[europe.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    client.post(
        reverse("admin:members_forum_changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [europe.pk], "post": "yes"},
    )
    assert Forum.objects.filter(pk=europe.pk).exists()
    assert ForumMembership.objects.filter(forum=europe).count() == 2
    # The shared forum's page offers no delete link; their own forum's does.
    page = client.get(reverse("admin:members_forum_change", args=[europe.pk]))
    assert url not in page.text
    own = reverse("admin:members_forum_delete", args=[women.pk])
    assert client.post(own, {"post": "yes"}).status_code == 302
    assert not Forum.objects.filter(pk=women.pk).exists()


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


def test_labels_print_names_beyond_latin_1(clp_a):
    import pytest

    from members import post
    from partyhub import pdf
    from tests import factories

    if pdf.unicode_font() is None:
        pytest.skip("no Unicode font on this system")
    person = factories.PersonFactory(
        constituency=clp_a,
        first_name="Łukasz",
        last_name="Wiśniewski",
        email="",
        address_line_1="1 High Street",
        postcode="B8 1AA",
    )
    content = post.labels_pdf_render([person], post.SHEETS["L7160"])
    # Helvetica would draw a ZapfDingbats box for Ł and ś.
    assert b"ZapfDingbats" not in content
    assert b"DejaVuSans" in content
    # Plain lines stay in Helvetica, as searchable text.
    assert b"(1 High Street) Tj" in content


def test_no_label_for_members_who_refused_post_or_any_contact(client, clp_a):
    from members import post
    from members.models import Person
    from partyhub.comms.consent import consent_record
    from partyhub.comms.models import Channel, Method
    from tests import factories

    def paper(last):
        person = factories.PersonFactory(
            constituency=clp_a,
            first_name="Pat",
            last_name=last,
            email="",
            address_line_1=f"1 {last} Road",
            postcode="B8 1AA",
        )
        factories.MembershipFactory(person=person)
        return person

    keen, no_post, no_contact = paper("Keen"), paper("Nopost"), paper("Nocontact")
    consent_record(
        person=no_post, channel=Channel.POST, granted=False, method=Method.PORTAL
    )
    consent_record(
        person=no_contact, channel=Channel.ANY, granted=False, method=Method.PORTAL
    )
    assert list(post.postal_recipients(Person.objects.all())) == [keen]
    merge = post.mail_merge_csv(people=Person.objects.all(), actor=None)
    assert "Keen" in merge and "Nopost" not in merge and "Nocontact" not in merge


def test_forum_page_hides_details_of_members_who_want_no_contact(
    client,
    clp_a,
    forums,
):
    import datetime

    from django.utils import timezone

    from members.models import ForumOfficer
    from partyhub.comms.consent import consent_record
    from partyhub.comms.models import Channel, Method
    from tests import factories

    women, _europe, wendy, *_ = forums
    chair = factories.member_user(clp_a)
    ForumOfficer.objects.create(
        forum=women,
        person=chair.person,
        role="chair",
        starts=timezone.localdate() - datetime.timedelta(days=1),
        appointed_for=clp_a,
    )
    consent_record(
        person=wendy, channel=Channel.ANY, granted=False, method=Method.PORTAL
    )
    client.force_login(chair)
    text = client.get(reverse("portal:forum", args=[women.pk])).text
    assert "Wendy Womack" in text
    assert "Has asked not to be contacted." in text
    assert wendy.email not in text and "0121 496 0000" not in text


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


def test_forum_officer_cannot_add_by_a_guessed_membership_number(
    client,
    clp_a,
    forums,
    settings,
):
    import datetime

    from django.utils import timezone

    from members.models import ForumOfficer
    from members.talent import views
    from tests import factories

    women, _europe, _wendy, outsider, *_ = forums
    chair = factories.member_user(clp_a)
    ForumOfficer.objects.create(
        forum=women,
        person=chair.person,
        role="chair",
        starts=timezone.localdate() - datetime.timedelta(days=1),
        appointed_for=clp_a,
    )
    client.force_login(chair)
    url = reverse("portal:forum", args=[women.pk])
    number = outsider.memberships.get().membership_number
    response = client.post(url, {"identifier": number})
    assert response.status_code == 200
    assert "a membership number alone is not enough" in response.text
    response = client.post(
        url, {"identifier": number, "last_name": "Wrong"}, follow=True
    )
    # The same answer as for a right guess: nothing says whether it matched.
    assert "we have emailed them an invitation" in response.text
    assert outsider.email not in response.text
    assert not women.memberships.filter(person=outsider).exists()
    assert not women.invitations.exists()

    # Look-ups are limited per hour.
    for _ in range(views.FORUM_LOOKUPS_PER_HOUR):
        client.post(url, {"identifier": "nobody@example.org"})
    response = client.post(url, {"identifier": outsider.email})
    assert "try again later" in response.text
    assert not women.memberships.filter(person=outsider).exists()
    assert not women.invitations.exists()
