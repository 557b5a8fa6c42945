"""Review of issue 9: the holes found and closed, each shown as a user meets it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from networks.models import Network, NetworkMembership, Post, Submission, Thread
from networks.services import (
    NetworkError,
    network_join,
    network_join_url,
    network_leave,
    thread_create,
)
from partyhub.audit.models import AuditEntry
from supporters.models import Supporter
from tests import factories
from tests.networks.conftest import path_of


def _supporter(clp, **kw):
    person = factories.PersonFactory(constituency=clp, **kw)
    Supporter.objects.create(
        person=person,
        constituency=clp,
        status=Supporter.Status.CONFIRMED,
        joined=timezone.localdate(),
    )
    return person


@pytest.fixture
def clp_c(db):
    return factories.ConstituencyFactory(name="Elsewhere", slug="elsewhere")


def test_a_member_of_a_clp_the_network_does_not_span_cannot_join_it(
    client, clp_c, governors
):
    outsider = factories.member_user(clp_c)
    client.force_login(outsider)
    assert "School governors" not in client.get(reverse("networks:mine")).text
    response = client.post(reverse("networks:join", args=[governors.pk]), follow=True)
    assert "not open to people in your constituency" in response.text
    assert not NetworkMembership.objects.exists()
    assert (
        client.get(reverse("networks:detail", args=[governors.pk])).status_code == 404
    )


def test_a_signed_link_joins_nobody_from_a_clp_the_network_does_not_span(
    client, clp_a, clp_c
):
    network = Network.objects.create(
        name="Community improvement", open_to=Network.OpenTo.MEMBERS_AND_SUPPORTERS
    )
    network.constituencies.add(clp_a)
    supporter = _supporter(clp_c)
    page = client.post(
        path_of(network_join_url(network_id=network.pk, person_id=supporter.pk))
    )
    assert "not open to people in your constituency" in page.text
    assert not NetworkMembership.objects.exists()
    with pytest.raises(NetworkError):
        network_join(network=network, person=supporter, actor=None)


def _inline_management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_nobody_puts_a_supporter_in_a_members_only_network_from_the_admin(
    client, superuser, officer_a, clp_a, governors, coordinator
):
    supporter = _supporter(clp_a, first_name="Sam", last_name="Supporter")
    row = {"network": governors.pk, "status": "active", "digest": "none"}
    # A regional organiser (superuser) may add memberships...
    client.force_login(superuser)
    page = client.post(
        reverse("admin:networks_networkmembership_add"),
        {**row, "person": supporter.pk},
    )
    assert page.status_code == 200
    assert "Sam Supporter cannot join School governors" in page.text
    page = client.post(
        reverse("admin:networks_network_change", args=[governors.pk]),
        {
            "name": "School governors",
            "kind": "network",
            "topic": "Education",
            "description": "",
            "constituencies": [clp_a.pk],
            "open_to": "members",
            "joining": "open",
            # Co-ordinators are their own inline: none submitted, none changed.
            **_inline_management("networkcoordinator_set", 0),
            **_inline_management("memberships", 1),
            "memberships-0-person": supporter.pk,
            "memberships-0-status": "active",
            **_inline_management("reading_list", 0),
            **_inline_management("meetings", 0),
        },
    )
    # The network's page lists its members; nobody is added there.
    assert not NetworkMembership.objects.filter(person=supporter).exists()
    # ...and an officer may change a row's person: the same rule holds.
    membership = network_join(network=governors, person=coordinator, actor=None)
    client.force_login(officer_a)
    url = reverse("admin:networks_networkmembership_change", args=[membership.pk])
    page = client.post(url, {**row, "person": supporter.pk})
    assert page.status_code == 200
    assert "Sam Supporter cannot join School governors" in page.text
    membership.refresh_from_db()
    assert membership.person == coordinator
    # Open to supporters: now they may be added.
    governors.open_to = Network.OpenTo.MEMBERS_AND_SUPPORTERS
    governors.save()
    response = client.post(url, {**row, "person": supporter.pk})
    assert response.status_code == 302, response.context["adminform"].form.errors
    membership.refresh_from_db()
    assert membership.person == supporter


def test_starting_a_discussion_with_nothing_to_say_saves_nothing(
    client, member_a, governors
):
    network_join(network=governors, person=member_a.person, actor=member_a)
    client.force_login(member_a)
    page = client.post(
        reverse("networks:detail", args=[governors.pk]),
        {"title": "Empty", "body": "   "},
        follow=True,
    )
    assert "Write something before posting." in page.text
    assert not Thread.objects.exists()


def test_a_submission_is_recorded_as_sent_once_and_then_locked(
    client, officer_a, coordinator, governors, consultation
):
    url = reverse("admin:networks_consultation_changelist")
    client.force_login(officer_a)
    page = client.post(
        url,
        {"action": "mark_submitted", "_selected_action": [consultation.pk]},
        follow=True,
    )
    assert "1 submissions recorded as sent today." in page.text
    consultation.refresh_from_db()
    first = consultation.submitted_at
    submission = Submission.objects.get(consultation=consultation)
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.submitted_on == timezone.localdate(first)
    page = client.post(
        url,
        {"action": "mark_submitted", "_selected_action": [consultation.pk]},
        follow=True,
    )
    assert "already recorded as submitted" in page.text
    consultation.refresh_from_db()
    assert consultation.submitted_at == first
    assert AuditEntry.objects.filter(action="consultation.submit").count() == 1
    # The co-ordinator's drafting page now shows it sent and saves nothing.
    client.force_login(coordinator.user)
    section = consultation.sections.first()
    drafting = reverse("networks:submission", args=[consultation.pk])
    assert "It can no longer be changed." in client.get(drafting).text
    page = client.post(
        drafting,
        {"introduction": "Changed", f"section_{section.pk}": "x", "action": "save"},
        follow=True,
    )
    assert "cannot be changed" in page.text
    submission.refresh_from_db()
    assert submission.introduction == ""


def test_turning_the_digest_back_on_brings_only_what_is_new(
    clp_a, governors, coordinator, mailoutbox
):
    import datetime

    from networks.services import digests_schedule, membership_digest_set
    from tests.helpers import send_all_mail
    from tests.networks.conftest import member

    reader = member(clp_a, first_name="Daisy")
    membership = network_join(network=governors, person=reader, actor=None)
    membership_digest_set(membership=membership, digest="daily", actor=None)
    # Digests went out until an hour ago; then Daisy turned them off.
    NetworkMembership.objects.update(
        digest_sent_until=timezone.now() - datetime.timedelta(hours=1)
    )
    membership_digest_set(membership=membership, digest="none", actor=None)
    thread_create(
        network=governors,
        author=coordinator,
        title="While away",
        body="Old news.",
        actor=None,
    )
    Post.objects.update(created=timezone.now() - datetime.timedelta(minutes=5))
    membership_digest_set(membership=membership, digest="daily", actor=None)
    thread_create(
        network=governors,
        author=coordinator,
        title="Back again",
        body="Fresh news.",
        actor=None,
    )
    assert digests_schedule() == 1
    send_all_mail()
    assert len(mailoutbox) == 1
    assert "Fresh news." in mailoutbox[0].body
    assert "Old news." not in mailoutbox[0].body


def test_members_read_the_summary_and_each_section_before_commenting(
    client, member_a, governors, consultation
):
    consultation.summary = "The government proposes **academies** for all."
    consultation.save()
    section = consultation.sections.get(number=1)
    section.text = 'Admissions move to trusts. <script>alert("x")</script>'
    section.save()
    network_join(network=governors, person=member_a.person, actor=member_a)
    client.force_login(member_a)
    page = client.get(reverse("networks:consultation", args=[consultation.pk]))
    assert "<strong>academies</strong>" in page.text
    assert "Admissions move to trusts." in page.text
    assert '<script>alert("x")' not in page.text


def test_a_sent_submission_cannot_be_rewritten_in_the_admin(
    client, officer_a, coordinator, consultation
):
    from networks.services import submission_save

    section = consultation.sections.get(number=1)
    submission = submission_save(
        consultation=consultation,
        introduction="As sent.",
        texts={section.pk: "Our answer."},
        drafter=coordinator,
        actor=None,
        submit=True,
    )
    text = submission.texts.get()
    client.force_login(officer_a)
    url = reverse("admin:networks_submission_change", args=[submission.pk])
    client.post(
        url,
        {
            "introduction": "Rewritten later.",
            "texts-TOTAL_FORMS": "1",
            "texts-INITIAL_FORMS": "1",
            "texts-MIN_NUM_FORMS": "0",
            "texts-MAX_NUM_FORMS": "1000",
            "texts-0-id": text.pk,
            "texts-0-submission": submission.pk,
            "texts-0-text": "A different answer.",
        },
    )
    submission.refresh_from_db()
    text.refresh_from_db()
    assert submission.introduction == "As sent."
    assert text.text == "Our answer."
    assert "As sent." in client.get(url).text


def test_an_officer_whose_role_does_not_edit_networks_cannot_draft_or_invite(
    client, clp_a, governors, consultation
):
    treasurer = factories.officer(clp_a, role="treasurer")
    client.force_login(treasurer)
    drafting = reverse("networks:submission", args=[consultation.pk])
    assert client.get(drafting).status_code == 403
    page = client.post(drafting, {"introduction": "x", "action": "submit"})
    assert page.status_code == 403
    assert not Submission.objects.exists()
    invite = reverse("networks:invite", args=[governors.pk])
    assert client.get(invite).status_code == 404
    # Reading the collated comments is every officer's.
    export = reverse("networks:consultation_export", args=[consultation.pk])
    assert client.get(export).status_code == 200
    secretary = factories.officer(clp_a, role="secretary")
    client.force_login(secretary)
    assert client.get(drafting).status_code == 200
    assert client.get(invite).status_code == 200


def test_hiding_a_threads_opening_post_hides_its_title_from_members(
    client, clp_a, member_a, coordinator, governors, mailoutbox
):
    import datetime

    from networks.services import (
        digests_schedule,
        membership_digest_set,
        post_create,
        post_hide,
    )
    from tests.helpers import send_all_mail
    from tests.networks.conftest import member

    reader = member(clp_a, first_name="Daisy")
    reading = network_join(network=governors, person=reader, actor=None)
    membership_digest_set(membership=reading, digest="daily", actor=None)
    NetworkMembership.objects.update(
        digest_sent_until=timezone.now() - datetime.timedelta(hours=1)
    )
    network_join(network=governors, person=member_a.person, actor=member_a)
    rude = thread_create(
        network=governors,
        author=member_a.person,
        title="A rude title",
        body="Rude.",
        actor=member_a,
    )
    post_create(thread=rude, author=coordinator, body="A reply.", actor=None)
    thread_create(
        network=governors, author=coordinator, title="Fine", body="ok", actor=None
    )
    post_hide(post=rude.posts.earliest("created"), moderator=coordinator, actor=None)
    thread_url = reverse("networks:thread", args=[governors.pk, rude.pk])
    client.force_login(member_a)
    for url in (reverse("networks:detail", args=[governors.pk]), "/networks/"):
        page = client.get(url)
        assert "Fine" in page.text and "A rude title" not in page.text
    assert client.get(thread_url).status_code == 404
    assert client.post(thread_url, {"body": "me too"}).status_code == 404
    client.force_login(coordinator.user)
    assert "A rude title" in client.get(thread_url).text
    digests_schedule()
    send_all_mail()
    assert len(mailoutbox) == 1
    assert "Fine" in mailoutbox[0].body
    assert "A rude title" not in mailoutbox[0].body
    assert "A reply." not in mailoutbox[0].body


def test_a_closed_consultation_says_so_instead_of_offering_a_comment_box(
    client, member_a, governors, consultation
):
    import datetime

    network_join(network=governors, person=member_a.person, actor=member_a)
    client.force_login(member_a)
    url = reverse("networks:consultation", args=[consultation.pk])
    page = client.get(url)
    assert "Your comment on this section" in page.text
    consultation.deadline = timezone.localdate() - datetime.timedelta(days=1)
    consultation.save()
    page = client.get(url)
    assert "This consultation closed for comments on" in page.text
    assert "Your comment on this section" not in page.text


def test_a_long_thread_takes_a_fixed_number_of_queries(
    client, officer_a, member_a, coordinator, governors, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from networks.services import post_create

    network_join(network=governors, person=member_a.person, actor=member_a)
    thread = thread_create(
        network=governors, author=coordinator, title="T", body="x", actor=None
    )
    pages = (
        (member_a, reverse("networks:thread", args=[governors.pk, thread.pk])),
        (officer_a, reverse("admin:networks_thread_change", args=[thread.pk])),
    )
    counts = []
    for user, url in pages:
        client.force_login(user)
        with CaptureQueriesContext(connection) as few:
            assert client.get(url).status_code == 200
        counts.append(len(few))
    for i in range(5):
        author = factories.PersonFactory(constituency=governors.constituencies.first())
        factories.MembershipFactory(person=author)
        network_join(network=governors, person=author, actor=None)
        post_create(thread=thread, author=author, body=f"Reply {i}", actor=None)
    for (user, url), count in zip(pages, counts, strict=True):
        client.force_login(user)
        with django_assert_max_num_queries(count):
            assert "Reply 4" in client.get(url).text


def test_each_clps_officers_can_read_that_the_submission_was_exported(
    client, clp_a, clp_b, member_a, member_b, coordinator, governors, consultation
):
    from networks.services import comment_create

    section = consultation.sections.first()
    for user in (member_a, member_b):
        network_join(network=governors, person=user.person, actor=user)
        comment_create(section=section, person=user.person, body="x", actor=user)
    comment_create(section=section, person=member_a.person, body="y", actor=member_a)
    client.force_login(coordinator.user)
    client.get(reverse("networks:consultation_export", args=[consultation.pk]))
    client.get(reverse("networks:consultation_pdf", args=[consultation.pk]))
    entries = AuditEntry.objects.filter(action="consultation.export")
    assert sorted(
        (e.constituency_id, e.row_count, e.detail["format"]) for e in entries
    ) == sorted(
        [
            (clp_a.pk, 2, "doc"),
            (clp_b.pk, 1, "doc"),
            (clp_a.pk, 2, "pdf"),
            (clp_b.pk, 1, "pdf"),
        ]
    )


def test_a_comment_for_a_garbled_section_answers_404_not_a_server_error(
    client, member_a, governors, consultation
):
    from networks.models import Comment

    network_join(network=governors, person=member_a.person, actor=member_a)
    client.force_login(member_a)
    url = reverse("networks:consultation", args=[consultation.pk])
    for section in ("abc", "", "99999"):
        assert client.post(url, {"section": section, "body": "x"}).status_code == 404
    assert not Comment.objects.exists()


def test_an_organisations_ward_must_be_in_its_constituency(client, clp_a, clp_b):
    from networks.models import CommunityOrganisation

    officer = factories.officer(clp_a)
    factories.OfficeFactory(person=officer.person, role="secretary", constituency=clp_b)
    ward_b = factories.WardFactory(constituency=clp_b, name="Tilehurst")
    client.force_login(officer)
    page = client.post(
        reverse("admin:networks_communityorganisation_add"),
        {
            "constituency": clp_a.pk,
            "name": "Shard End Tenants",
            "kind": "residents",
            "ward": ward_b.pk,
        },
    )
    assert page.status_code == 200
    assert "Choose a ward in the organisation&#x27;s constituency." in page.text
    assert not CommunityOrganisation.objects.exists()


def test_a_supporters_request_is_not_approved_once_the_network_closes_to_them(
    client, clp_a, officer_a, governors
):
    governors.open_to = Network.OpenTo.MEMBERS_AND_SUPPORTERS
    governors.joining = Network.Joining.APPROVAL
    governors.save()
    supporter = _supporter(clp_a, first_name="Sam", last_name="Supporter")
    request = network_join(network=governors, person=supporter, actor=None)
    assert request.status == NetworkMembership.Status.PENDING
    governors.open_to = Network.OpenTo.MEMBERS
    governors.save()
    client.force_login(officer_a)
    page = client.post(
        reverse("admin:networks_networkmembership_changelist"),
        {"action": "approve", "_selected_action": [request.pk]},
        follow=True,
    )
    assert "Sam Supporter can no longer join School governors." in page.text
    request.refresh_from_db()
    assert request.status == NetworkMembership.Status.PENDING


def test_a_supporter_leaves_from_the_same_signed_link(client, clp_a):
    network = Network.objects.create(
        name="Community improvement", open_to=Network.OpenTo.MEMBERS_AND_SUPPORTERS
    )
    network.constituencies.add(clp_a)
    supporter = _supporter(clp_a, first_name="Sam")
    path = path_of(network_join_url(network_id=network.pk, person_id=supporter.pk))
    client.post(path)
    membership = NetworkMembership.objects.get(person=supporter)
    assert membership.status == NetworkMembership.Status.ACTIVE
    page = client.get(path)
    assert "Sam, you are in this network." in page.text
    assert "Join as Sam" not in page.text
    page = client.post(path, {"action": "leave"})
    assert "You have left the network." in page.text
    membership.refresh_from_db()
    assert membership.status == NetworkMembership.Status.LEFT
    assert "Join as Sam" in client.get(path).text
    # Another supporter's link leaves nobody else's membership.
    other = _supporter(clp_a)
    network_join(network=network, person=other, actor=None)
    client.post(
        path_of(network_join_url(network_id=network.pk, person_id=supporter.pk)),
        {"action": "leave"},
    )
    assert NetworkMembership.objects.get(person=other).status == "active"


def test_discussion_and_moderation_are_audited_under_the_authors_clp(
    clp_b, member_b, coordinator, governors
):
    from networks.services import post_create, post_edit, post_hide

    network_join(network=governors, person=member_b.person, actor=member_b)
    thread = thread_create(
        network=governors, author=member_b.person, title="T", body="x", actor=member_b
    )
    post = post_create(thread=thread, author=member_b.person, body="y", actor=member_b)
    post_edit(post=post, author=member_b.person, body="z", actor=member_b)
    post_hide(post=post, moderator=coordinator, actor=coordinator.user)
    entries = AuditEntry.objects.filter(
        action__in=["thread.create", "post.create", "post.edit", "post.hide"]
    )
    assert sorted(e.action for e in entries) == [
        "post.create",
        "post.edit",
        "post.hide",
        "thread.create",
    ]
    assert {e.constituency_id for e in entries} == {clp_b.pk}


def test_a_big_networks_admin_page_takes_a_fixed_number_of_queries(
    client, officer_a, clp_a, governors, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add_members(n):
        for _i in range(n):
            person = factories.PersonFactory(constituency=clp_a)
            factories.MembershipFactory(person=person)
            network_join(network=governors, person=person, actor=None)

    add_members(1)
    client.force_login(officer_a)
    url = reverse("admin:networks_network_change", args=[governors.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add_members(8)
    with django_assert_max_num_queries(len(few)):
        page = client.get(url)
    assert page.text.count('name="memberships-') > 8 * 2


def test_an_officer_cannot_make_a_supporter_active_in_a_members_only_network(
    client, officer_a, clp_a, governors, coordinator
):
    governors.open_to = Network.OpenTo.MEMBERS_AND_SUPPORTERS
    governors.save()
    supporter = _supporter(clp_a, first_name="Sam", last_name="Supporter")
    membership = network_join(network=governors, person=supporter, actor=None)
    network_leave(network=governors, person=supporter, actor=None)
    governors.open_to = Network.OpenTo.MEMBERS
    governors.save()
    client.force_login(officer_a)
    page = client.post(
        reverse("admin:networks_network_change", args=[governors.pk]),
        {
            "name": "School governors",
            "kind": "network",
            "topic": "Education",
            "description": "",
            "constituencies": [clp_a.pk],
            "open_to": "members",
            "joining": "open",
            # Co-ordinators are their own inline: none submitted, none changed.
            **_inline_management("networkcoordinator_set", 0),
            **_inline_management("memberships", 1, initial=1),
            "memberships-0-id": membership.pk,
            "memberships-0-network": governors.pk,
            "memberships-0-status": "active",
            **_inline_management("reading_list", 0),
            **_inline_management("meetings", 0),
        },
    )
    assert page.status_code == 200
    assert "Sam Supporter cannot join School governors" in page.text
    membership.refresh_from_db()
    assert membership.status == NetworkMembership.Status.LEFT


def test_rejoining_brings_a_digest_of_only_what_is_new(
    clp_a, governors, coordinator, mailoutbox
):
    import datetime

    from networks.services import digests_schedule, membership_digest_set
    from tests.helpers import send_all_mail
    from tests.networks.conftest import member

    reader = member(clp_a, first_name="Daisy")
    membership = network_join(network=governors, person=reader, actor=None)
    membership_digest_set(membership=membership, digest="daily", actor=None)
    NetworkMembership.objects.update(
        digest_sent_until=timezone.now() - datetime.timedelta(hours=1)
    )
    network_leave(network=governors, person=reader, actor=None)
    thread_create(
        network=governors, author=coordinator, title="Gone", body="Old.", actor=None
    )
    Post.objects.update(created=timezone.now() - datetime.timedelta(minutes=5))
    network_join(network=governors, person=reader, actor=None)
    thread_create(
        network=governors, author=coordinator, title="Back", body="New.", actor=None
    )
    assert digests_schedule() == 1
    send_all_mail()
    assert "New." in mailoutbox[0].body and "Old." not in mailoutbox[0].body


def test_network_and_consultation_pages_take_a_fixed_number_of_queries(
    client,
    clp_a,
    member_a,
    coordinator,
    governors,
    consultation,
    django_assert_max_num_queries,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from networks.services import comment_create

    section = consultation.sections.first()

    def activity(i):
        person = factories.PersonFactory(constituency=clp_a)
        factories.MembershipFactory(person=person)
        network_join(network=governors, person=person, actor=None)
        thread_create(
            network=governors, author=person, title=f"T{i}", body="x", actor=None
        )
        comment_create(section=section, person=person, body=f"C{i}", actor=None)

    network_join(network=governors, person=member_a.person, actor=member_a)
    activity(0)
    client.force_login(member_a)
    pages = [
        reverse("networks:detail", args=[governors.pk]),
        reverse("networks:consultation", args=[consultation.pk]),
    ]
    counts = []
    for url in pages:
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        counts.append(len(few))
    for i in range(1, 6):
        activity(i)
    for url, count, last in zip(pages, counts, ("T5", "C5"), strict=True):
        with django_assert_max_num_queries(count):
            assert last in client.get(url).text
