"""Networks (issue 9): a school governors network spanning two CLPs, joined in the
portal by a member of each; discussion, moderation, consultation comments and the
exported submission; supporters; scoped admin; a mailing to the network."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from networks.models import (
    Comment,
    CommunityOrganisation,
    Network,
    NetworkMembership,
    Post,
    Submission,
    Thread,
)
from networks.segments import NETWORK_MEMBERS_KEY
from networks.services import (
    NetworkError,
    comment_create,
    network_join,
    network_join_url,
    network_leave,
    post_create,
    post_edit,
    post_hide,
    thread_create,
)
from partyhub.audit.models import AuditEntry
from partyhub.comms import sending
from partyhub.comms.consent import consent_record
from partyhub.comms.models import Channel, Message, Method, Segment
from partyhub.comms.services import message_schedule
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


def test_members_of_both_clps_join_in_portal_discuss_comment_and_export(
    client, member_a, member_b, governors, consultation, coordinator
):
    for user in (member_a, member_b):
        client.force_login(user)
        page = client.get(reverse("networks:mine"))
        assert page.status_code == 200
        assert "School governors" in page.text
        response = client.post(reverse("networks:join", args=[governors.pk]))
        assert response.status_code == 302
    assert set(
        NetworkMembership.objects.filter(
            network=governors, status="active"
        ).values_list("person__user", flat=True)
    ) == {member_a.pk, member_b.pk}
    assert AuditEntry.objects.filter(action="networkmembership.join").count() == 2

    thread = thread_create(
        network=governors,
        author=member_a.person,
        title="Academy conversions",
        body="Our school is being **pushed** to convert.",
        actor=member_a,
    )
    for user in (member_a, member_b):
        client.force_login(user)
        mine = client.get(reverse("networks:mine"))
        assert "Schools White Paper" in mine.text  # open consultation is listed
        page = client.get(reverse("networks:thread", args=[governors.pk, thread.pk]))
        assert page.status_code == 200
        assert "<strong>pushed</strong>" in page.text

    sections = list(consultation.sections.order_by("number"))
    client.force_login(member_a)
    client.post(
        reverse("networks:consultation", args=[consultation.pk]),
        {"section": sections[0].pk, "body": "Admissions should stay local."},
    )
    client.force_login(member_b)
    client.post(
        reverse("networks:consultation", args=[consultation.pk]),
        {"section": sections[1].pk, "body": "Funding must follow need."},
    )
    assert Comment.objects.count() == 2

    # A member who is not a co-ordinator cannot download the submission.
    assert (
        client.get(
            reverse("networks:consultation_export", args=[consultation.pk])
        ).status_code
        == 403
    )
    coordinator_user = factories.UserFactory()
    coordinator.user = coordinator_user
    coordinator.save()
    client.force_login(coordinator_user)
    response = client.get(
        reverse("networks:consultation_export", args=[consultation.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/msword"
    document = response.content.decode()
    assert "Admissions should stay local." in document
    assert "Funding must follow need." in document
    assert document.index("Admissions") < document.index("Admissions should")
    assert document.index("Funding</h2>") < document.index("Funding must")
    # One entry for each CLP the network spans.
    assert AuditEntry.objects.filter(action="consultation.export").count() == 2


def test_outsider_cannot_see_discussion_or_consultation(
    client, member_a, governors, consultation
):
    client.force_login(member_a)
    assert (
        client.get(reverse("networks:detail", args=[governors.pk])).status_code == 404
    )
    assert (
        client.get(reverse("networks:consultation", args=[consultation.pk])).status_code
        == 404
    )


def test_posts_are_sanitised(member_a, governors):
    network_join(network=governors, person=member_a.person, actor=member_a)
    thread = thread_create(
        network=governors,
        author=member_a.person,
        title="Hello",
        body='Hi <script>alert("x")</script> [a](javascript:alert(1)) '
        '<img src=x onerror="alert(1)">',
        actor=member_a,
    )
    html = thread.posts.get().html
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onerror" not in html


def test_coordinator_hides_a_post_and_members_no_longer_see_it(
    client, member_a, coordinator, governors
):
    network_join(network=governors, person=member_a.person, actor=member_a)
    thread = thread_create(
        network=governors,
        author=member_a.person,
        title="Off topic",
        body="Something rude",
        actor=member_a,
    )
    post = thread.posts.get()
    with pytest.raises(NetworkError):
        post_hide(post=post, moderator=member_a.person, actor=member_a)
    post_hide(post=post, moderator=coordinator, actor=None)
    post.refresh_from_db()
    assert post.hidden_by_moderator
    client.force_login(member_a)
    page = client.get(reverse("networks:thread", args=[governors.pk, thread.pk]))
    assert "Something rude" not in page.text
    assert Post.objects.filter(pk=post.pk).exists()  # kept for the record
    assert AuditEntry.objects.filter(action="post.hide").count() == 1


def test_author_edits_within_the_window_only(member_a, member_b, governors):
    for user in (member_a, member_b):
        network_join(network=governors, person=user.person, actor=user)
    thread = thread_create(
        network=governors, author=member_a.person, title="T", body="x", actor=member_a
    )
    post = post_create(
        thread=thread, author=member_a.person, body="typo", actor=member_a
    )
    with pytest.raises(NetworkError):
        post_edit(post=post, author=member_b.person, body="mine now", actor=member_b)
    post_edit(post=post, author=member_a.person, body="fixed", actor=member_a)
    post.refresh_from_db()
    assert post.body == "fixed" and post.edited is not None
    with pytest.raises(NetworkError):
        post_edit(
            post=post,
            author=member_a.person,
            body="much later",
            actor=member_a,
            now=post.created + datetime.timedelta(minutes=31),
        )
    post.refresh_from_db()
    assert post.body == "fixed"


def test_non_member_cannot_post_or_comment(member_a, governors, consultation):
    thread = Thread.objects.create(network=governors, title="T")
    with pytest.raises(NetworkError):
        post_create(thread=thread, author=member_a.person, body="hi", actor=member_a)
    with pytest.raises(NetworkError):
        comment_create(
            section=consultation.sections.first(),
            person=member_a.person,
            body="hi",
            actor=member_a,
        )


def test_closed_consultation_takes_no_comments(member_a, governors, consultation):
    network_join(network=governors, person=member_a.person, actor=member_a)
    consultation.deadline = timezone.localdate() - datetime.timedelta(days=1)
    consultation.save()
    with pytest.raises(NetworkError):
        comment_create(
            section=consultation.sections.first(),
            person=member_a.person,
            body="late",
            actor=member_a,
        )


def test_supporters_join_only_networks_open_to_supporters(clp_a, governors):
    supporter = _supporter(clp_a)
    with pytest.raises(NetworkError, match="members only"):
        network_join(network=governors, person=supporter, actor=None)
    assert not NetworkMembership.objects.exists()
    open_network = Network.objects.create(
        name="Community improvement",
        open_to=Network.OpenTo.MEMBERS_AND_SUPPORTERS,
    )
    open_network.constituencies.add(clp_a)
    membership = network_join(network=open_network, person=supporter, actor=None)
    assert membership.status == NetworkMembership.Status.ACTIVE
    # A contact who is neither member nor supporter cannot join either.
    contact = factories.PersonFactory(constituency=clp_a)
    with pytest.raises(NetworkError):
        network_join(network=open_network, person=contact, actor=None)


def test_supporter_sees_only_networks_open_to_supporters_in_portal(
    client, clp_a, governors
):
    supporter = _supporter(clp_a)
    supporter.user = factories.UserFactory()
    supporter.save()
    open_network = Network.objects.create(
        name="Community improvement",
        open_to=Network.OpenTo.MEMBERS_AND_SUPPORTERS,
    )
    open_network.constituencies.add(clp_a)
    client.force_login(supporter.user)
    page = client.get(reverse("networks:mine"))
    assert "Community improvement" in page.text
    assert "School governors" not in page.text
    client.post(reverse("networks:join", args=[governors.pk]))
    assert not NetworkMembership.objects.filter(network=governors).exists()


def test_approval_network_creates_pending_membership_then_leave_and_rejoin(
    member_a, governors
):
    governors.joining = Network.Joining.APPROVAL
    governors.save()
    membership = network_join(network=governors, person=member_a.person, actor=member_a)
    assert membership.status == NetworkMembership.Status.PENDING
    # Joining twice changes nothing.
    assert (
        network_join(network=governors, person=member_a.person, actor=member_a).status
        == NetworkMembership.Status.PENDING
    )
    network_leave(network=governors, person=member_a.person, actor=member_a)
    membership.refresh_from_db()
    assert membership.status == NetworkMembership.Status.LEFT
    network_join(network=governors, person=member_a.person, actor=member_a)
    membership.refresh_from_db()
    assert membership.status == NetworkMembership.Status.PENDING
    assert NetworkMembership.objects.count() == 1


def test_each_clps_officers_see_only_their_own_people_in_a_shared_network(
    client, officer_a, officer_b, member_a, member_b, governors
):
    member_a.person.last_name = "Aardvark"
    member_a.person.save()
    member_b.person.last_name = "Bandicoot"
    member_b.person.save()
    for user in (member_a, member_b):
        network_join(network=governors, person=user.person, actor=user)
    for officer, own, other in (
        (officer_a, "Aardvark", "Bandicoot"),
        (officer_b, "Bandicoot", "Aardvark"),
    ):
        client.force_login(officer)
        page = client.get(reverse("admin:networks_network_change", args=[governors.pk]))
        assert page.status_code == 200
        assert own in page.text
        assert other not in page.text
        listing = client.get(reverse("admin:networks_networkmembership_changelist"))
        assert own in listing.text
        assert other not in listing.text
        other_row = NetworkMembership.objects.get(person__last_name=other)
        assert (
            client.get(
                reverse("admin:networks_networkmembership_change", args=[other_row.pk])
            ).status_code
            == 404
        )


def test_officer_saving_shared_network_keeps_the_other_clp(
    client, officer_a, clp_a, clp_b, governors, coordinator
):
    coordinator_b = factories.PersonFactory(constituency=clp_b)
    governors.coordinators.add(coordinator_b)
    client.force_login(officer_a)
    response = client.post(
        reverse("admin:networks_network_change", args=[governors.pk]),
        {
            "name": "School governors (renamed)",
            "kind": "network",
            "topic": "Education",
            "description": "",
            "constituencies": [clp_a.pk],
            "open_to": "members",
            "joining": "open",
            # Co-ordinators are their own inline: none submitted, none changed.
            "networkcoordinator_set-TOTAL_FORMS": "0",
            "networkcoordinator_set-INITIAL_FORMS": "0",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            **{
                f"{prefix}-{name}": value
                for prefix in ("reading_list", "meetings")
                for name, value in (
                    ("TOTAL_FORMS", "0"),
                    ("INITIAL_FORMS", "0"),
                    ("MIN_NUM_FORMS", "0"),
                    ("MAX_NUM_FORMS", "1000"),
                )
            },
        },
    )
    assert response.status_code == 302, response.text[:2000]
    governors.refresh_from_db()
    assert governors.name == "School governors (renamed)"
    assert set(governors.constituencies.all()) == {clp_a, clp_b}
    assert set(governors.coordinators.all()) == {coordinator, coordinator_b}


def test_community_organisations_directory_is_scoped_and_filterable(
    client, officer_a, clp_a, clp_b
):
    ward = factories.WardFactory(constituency=clp_a, name="Shard End")
    CommunityOrganisation.objects.create(
        constituency=clp_a,
        name="Shard End Tenants",
        kind=CommunityOrganisation.Kind.RESIDENTS,
        ward=ward,
    )
    CommunityOrganisation.objects.create(
        constituency=clp_a, name="St Mary's", kind=CommunityOrganisation.Kind.FAITH
    )
    CommunityOrganisation.objects.create(
        constituency=clp_b, name="Tilehurst Watch", kind="neighbourhood_watch"
    )
    client.force_login(officer_a)
    url = reverse("admin:networks_communityorganisation_changelist")
    page = client.get(url)
    assert "Shard End Tenants" in page.text and "St Mary" in page.text
    assert "Tilehurst Watch" not in page.text
    page = client.get(url, {"kind__exact": "residents"})
    assert "Shard End Tenants" in page.text and "St Mary" not in page.text
    page = client.get(url, {"ward__id__exact": ward.pk})
    assert "Shard End Tenants" in page.text and "St Mary" not in page.text
    page = client.get(url, {"q": "Tilehurst"})
    assert "Tilehurst Watch" not in page.text


def test_mailing_to_a_network_goes_through_comms_and_respects_consent(
    clp_a, officer_a, governors, mailoutbox, django_capture_on_commit_callbacks
):
    consenting = factories.PersonFactory(constituency=clp_a)
    factories.MembershipFactory(person=consenting)
    silent = factories.PersonFactory(constituency=clp_a)
    factories.MembershipFactory(person=silent)
    outsider = factories.PersonFactory(constituency=clp_a)
    factories.MembershipFactory(person=outsider)
    for person in (consenting, silent):
        network_join(network=governors, person=person, actor=None)
    for person in (consenting, outsider):
        consent_record(
            person=person, channel=Channel.EMAIL, granted=True, method=Method.PORTAL
        )
    segment = Segment.objects.create(
        constituency=clp_a,
        name="Governors",
        criteria={NETWORK_MEMBERS_KEY: [governors.pk]},
    )
    message = Message.objects.create(
        constituency=clp_a,
        segment=segment,
        subject="Governors' meeting",
        body="We meet on Thursday.",
    )
    with django_capture_on_commit_callbacks(execute=False):
        message_schedule(message=message, actor=officer_a)
    sending.message_dispatch(message_id=message.pk)
    while ids := sending.deliveries_claim():
        sending.deliveries_send(ids=ids)
    assert [m.to for m in mailoutbox] == [[consenting.email]]


def test_my_data_export_holds_my_networks_posts_and_comments(
    member_a, governors, consultation
):
    from partyhub.privacy import export_data

    network_join(network=governors, person=member_a.person, actor=member_a)
    thread_create(
        network=governors,
        author=member_a.person,
        title="Hello",
        body="My first post",
        actor=member_a,
    )
    comment_create(
        section=consultation.sections.first(),
        person=member_a.person,
        body="My comment",
        actor=member_a,
    )
    data = export_data(member_a.person)
    assert data["network_memberships"][0]["network"] == "School governors"
    assert data["network_posts"][0]["body"] == "My first post"
    assert data["consultation_comments"][0]["body"] == "My comment"
    assert data["consultation_comments"][0]["consultation"] == "Schools White Paper"


def test_coordinator_moderates_in_the_portal_and_a_member_cannot(
    client, member_a, coordinator, governors
):
    network_join(network=governors, person=member_a.person, actor=member_a)
    thread = thread_create(
        network=governors,
        author=member_a.person,
        title="Off topic",
        body="Something rude",
        actor=member_a,
    )
    post = thread.posts.get()
    url = reverse("networks:post_moderate", args=[post.pk])
    client.force_login(member_a)
    assert client.post(url, {"hidden": "1"}).status_code == 404
    post.refresh_from_db()
    assert not post.hidden_by_moderator
    coordinator.user = factories.UserFactory()
    coordinator.save()
    client.force_login(coordinator.user)
    thread_url = reverse("networks:thread", args=[governors.pk, thread.pk])
    assert "Hide" in client.get(thread_url).text
    client.post(url, {"hidden": "1"})
    post.refresh_from_db()
    assert post.hidden_by_moderator
    assert "Hidden from members" in client.get(thread_url).text
    client.force_login(member_a)
    assert "Something rude" not in client.get(thread_url).text
    client.force_login(coordinator.user)
    client.post(url, {"hidden": "0"})
    post.refresh_from_db()
    assert not post.hidden_by_moderator


def test_author_edits_a_post_in_the_portal_within_the_window(
    client, member_a, member_b, governors
):
    for user in (member_a, member_b):
        network_join(network=governors, person=user.person, actor=user)
    thread = thread_create(
        network=governors,
        author=member_a.person,
        title="T",
        body="typo",
        actor=member_a,
    )
    post = thread.posts.get()
    url = reverse("networks:post_edit", args=[post.pk])
    thread_url = reverse("networks:thread", args=[governors.pk, thread.pk])
    client.force_login(member_b)
    assert url not in client.get(thread_url).text
    assert client.get(url).status_code == 404
    assert client.post(url, {"body": "hijacked"}).status_code == 404
    client.force_login(member_a)
    assert url in client.get(thread_url).text
    assert client.get(url).status_code == 200
    client.post(url, {"body": "fixed <script>x</script>"})
    post.refresh_from_db()
    assert post.body.startswith("fixed") and post.edited is not None
    assert "<script>x" not in client.get(thread_url).text
    Post.objects.filter(pk=post.pk).update(
        created=timezone.now() - datetime.timedelta(minutes=31)
    )
    assert url not in client.get(thread_url).text
    client.post(url, {"body": "too late"})
    post.refresh_from_db()
    assert post.body.startswith("fixed")
    assert AuditEntry.objects.filter(action="post.edit").count() == 1


def test_supporter_joins_from_a_signed_link_and_a_get_changes_nothing(client, clp_a):
    from networks.services import network_join_url

    supporter = _supporter(clp_a, first_name="Sam")
    network = Network.objects.create(
        name="Community improvement", open_to=Network.OpenTo.MEMBERS_AND_SUPPORTERS
    )
    network.constituencies.add(clp_a)
    url = network_join_url(network_id=network.pk, person_id=supporter.pk)
    path = url.split("://", 1)[1].split("/", 1)[1]
    path = "/" + path
    page = client.get(path)
    assert page.status_code == 200 and "Join as Sam" in page.text
    assert not NetworkMembership.objects.exists()
    page = client.post(path)
    assert "you are now in the network" in page.text
    assert NetworkMembership.objects.get().person == supporter
    # A tampered token is worthless.
    assert client.get(path[:-3] + "xx/").status_code == 404


def test_signed_link_to_a_members_only_network_refuses_a_supporter(
    client, clp_a, governors
):
    from networks.services import network_join_url

    supporter = _supporter(clp_a)
    url = network_join_url(network_id=governors.pk, person_id=supporter.pk)
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    page = client.post(path)
    assert page.status_code == 200
    assert "members only" in page.text
    assert not NetworkMembership.objects.exists()


def test_expired_join_link_says_so_and_joins_nobody(client, clp_a, monkeypatch):
    from networks import services
    from networks.services import network_join_url

    supporter = _supporter(clp_a)
    network = Network.objects.create(
        name="Community improvement", open_to=Network.OpenTo.MEMBERS_AND_SUPPORTERS
    )
    network.constituencies.add(clp_a)
    url = network_join_url(network_id=network.pk, person_id=supporter.pk)
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    monkeypatch.setattr(services, "JOIN_LINK_MAX_AGE", -1)
    page = client.post(path)
    assert page.status_code == 410
    assert "This link has expired" in page.text
    assert "Ask the network&#x27;s co-ordinator for a new invitation" in page.text
    assert not NetworkMembership.objects.exists()


def test_coordinator_approves_a_request_in_the_portal_and_a_member_cannot(
    client, member_a, member_b, coordinator, governors
):
    governors.joining = Network.Joining.APPROVAL
    governors.save()
    request_b = network_join(network=governors, person=member_b.person, actor=member_b)
    network_join(network=governors, person=member_a.person, actor=member_a)
    NetworkMembership.objects.filter(person=member_a.person).update(status="active")
    url = reverse("networks:approve", args=[request_b.pk])
    client.force_login(member_a)
    assert (
        member_b.person.full_name
        not in client.get(reverse("networks:detail", args=[governors.pk])).text
    )
    assert client.post(url).status_code == 404
    request_b.refresh_from_db()
    assert request_b.status == NetworkMembership.Status.PENDING
    coordinator.user = factories.UserFactory()
    coordinator.save()
    client.force_login(coordinator.user)
    page = client.get(reverse("networks:detail", args=[governors.pk]))
    assert member_b.person.full_name in page.text
    assert member_b.person.email not in page.text
    client.post(url)
    request_b.refresh_from_db()
    assert request_b.status == NetworkMembership.Status.ACTIVE
    assert AuditEntry.objects.filter(action="networkmembership.approve").count() == 1


def test_joined_and_joinable_lists_follow_joining_and_leaving(
    clp_a, clp_b, member_a, member_b, governors
):
    from networks.selectors import networks_joinable, networks_joined

    elsewhere = Network.objects.create(name="Reading only")
    elsewhere.constituencies.add(clp_b)
    person = member_a.person
    other = factories.PersonFactory(constituency=clp_a)
    factories.MembershipFactory(person=other)
    network_join(network=governors, person=other, actor=None)
    network_leave(network=governors, person=other, actor=None)
    network_join(network=governors, person=member_b.person, actor=member_b)
    assert networks_joinable(person) == [governors]  # not another CLP's network
    network_join(network=governors, person=person, actor=member_a)
    assert networks_joinable(person) == []
    assert list(networks_joined(person)) == [governors]
    network_leave(network=governors, person=person, actor=member_a)
    assert networks_joinable(person) == [governors]
    assert list(networks_joined(person)) == []


def test_officer_exports_submission_and_records_it_sent_in_the_admin(
    client, officer_a, member_a, governors, consultation
):
    network_join(network=governors, person=member_a.person, actor=member_a)
    comment_create(
        section=consultation.sections.first(),
        person=member_a.person,
        body="Keep admissions local.",
        actor=member_a,
    )
    url = reverse("admin:networks_consultation_changelist")
    client.force_login(officer_a)
    response = client.post(
        url, {"action": "export_submission", "_selected_action": [consultation.pk]}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/msword"
    assert "Keep admissions local." in response.content.decode()
    client.post(
        url, {"action": "mark_submitted", "_selected_action": [consultation.pk]}
    )
    consultation.refresh_from_db()
    assert consultation.submitted_at is not None
    assert AuditEntry.objects.filter(action="consultation.submit").count() == 1
    # Submitted: the consultation takes no more comments.
    with pytest.raises(NetworkError):
        comment_create(
            section=consultation.sections.first(),
            person=member_a.person,
            body="Too late",
            actor=member_a,
        )
    # A CLP the network does not span cannot see the consultation at all.
    other = factories.ConstituencyFactory(name="Elsewhere", slug="elsewhere")
    outsider = factories.officer(other)
    client.force_login(outsider)
    assert "Schools White Paper" not in client.get(url).text
    assert (
        client.get(
            reverse("admin:networks_consultation_change", args=[consultation.pk])
        ).status_code
        == 404
    )


@pytest.fixture
def clp_c(db):
    return factories.ConstituencyFactory(name="Elsewhere", slug="elsewhere")


def _inline_management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


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
