"""Forums: a forum officer sees their forum's members on the portal page and
nothing else of the CLP; CLP officers manage forums in the admin, each seeing only
their own people on a forum shared by two CLPs."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from members.models import Forum, ForumMembership, ForumOfficer
from partyhub.audit.models import AuditEntry
from tests import factories
from tests.helpers import grant_email, send_all_mail
from tests.members.talent.conftest import member


@pytest.fixture
def forums(clp_a, clp_b):
    """A Women's Forum in A, a European Forum across A and B, and their people."""
    women = Forum.objects.create(name="Hodge Hill Women's Forum", kind="women")
    women.constituencies.add(clp_a)
    europe = Forum.objects.create(name="West Midlands European Forum", kind="european")
    europe.constituencies.add(clp_a, clp_b)
    ward = factories.WardFactory(constituency=clp_a, name="Washwood Heath")
    wendy = member(
        clp_a,
        first_name="Wendy",
        last_name="Womack",
        phone="0121 496 0000",
        ward=ward,
    )
    outsider = member(clp_a, first_name="Olive", last_name="Outsider")
    eric = member(clp_a, first_name="Eric", last_name="Europa")
    bruno = member(clp_b, first_name="Bruno", last_name="Berkshire")
    ForumMembership.objects.create(forum=women, person=wendy)
    ForumMembership.objects.create(forum=europe, person=eric)
    ForumMembership.objects.create(forum=europe, person=bruno)
    return women, europe, wendy, outsider, eric, bruno


@pytest.fixture
def forum_chair(clp_a, forums):
    """A plain member (no CLP office) who chairs the Women's Forum."""
    women = forums[0]
    user = factories.member_user(clp_a)
    ForumOfficer.objects.create(
        forum=women,
        person=user.person,
        role="chair",
        starts=timezone.localdate() - datetime.timedelta(days=10),
        appointed_for=clp_a,
    )
    return user


def test_forum_officer_sees_only_the_forums_members(client, forum_chair, forums):
    women, europe, wendy, outsider, eric, bruno = forums
    client.force_login(forum_chair)
    response = client.get(reverse("portal:forum", args=[women.pk]))
    assert response.status_code == 200
    text = response.text
    assert "Wendy Womack" in text
    assert wendy.email in text and "0121 496 0000" in text and "Washwood Heath" in text
    assert "Outsider" not in text  # same CLP, not in the forum
    assert "Europa" not in text and "Berkshire" not in text  # another forum


def test_forum_officer_cannot_open_another_forum(client, forum_chair, forums):
    europe = forums[1]
    client.force_login(forum_chair)
    assert client.get(reverse("portal:forum", args=[europe.pk])).status_code == 404


def test_forum_officer_cannot_open_the_admin(client, forum_chair, forums):
    client.force_login(forum_chair)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    response = client.get(reverse("admin:members_forummembership_changelist"))
    assert response.status_code == 302


def test_plain_member_gets_404_on_the_forum_page(client, member_a, forums):
    women = forums[0]
    client.force_login(member_a)
    assert client.get(reverse("portal:forum", args=[women.pk])).status_code == 404


def test_forum_member_who_is_not_an_officer_gets_404(client, forums):
    women, europe, wendy, *_ = forums
    user = factories.UserFactory(email="wendy@example.org")
    wendy.user = user
    wendy.save()
    client.force_login(user)
    assert client.get(reverse("portal:forum", args=[women.pk])).status_code == 404
    # Their "My forums" page lists the forum, with no link to manage it.
    page = client.get(reverse("portal:forums"))
    assert "Hodge Hill Women&#x27;s Forum" in page.text
    assert reverse("portal:forum", args=[women.pk]) not in page.text


def test_ended_forum_office_closes_the_page(client, forum_chair, forums):
    women = forums[0]
    ForumOfficer.objects.filter(person=forum_chair.person).update(
        ends=timezone.localdate()
    )
    client.force_login(forum_chair)
    assert client.get(reverse("portal:forum", args=[women.pk])).status_code == 404


def _link_path(body: str) -> str:
    import re

    url = re.search(r"https?://\S+/me/forums/join/[^/\s)]+/", body).group(0)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_forum_officer_invites_and_the_member_joins_only_on_accepting(
    client, forum_chair, forums, mailoutbox
):
    women, europe, wendy, outsider, eric, bruno = forums
    grant_email(outsider)
    grant_email(eric)
    client.force_login(forum_chair)
    url = reverse("portal:forum", args=[women.pk])
    response = client.post(url, {"identifier": outsider.email.upper()})
    assert response.status_code == 302
    number = eric.memberships.get().membership_number
    client.post(url, {"identifier": number, "last_name": "europa"})
    # Invited, not enrolled.
    assert not women.memberships.filter(person__in=[outsider, eric]).exists()
    assert set(women.invitations.values_list("person", flat=True)) == {
        outsider.pk,
        eric.pk,
    }
    send_all_mail()
    send_all_mail()  # idempotent: one invitation each
    assert sorted(m.to[0] for m in mailoutbox) == sorted([outsider.email, eric.email])
    mail = next(m for m in mailoutbox if m.to == [outsider.email])
    link = _link_path(mail.body)
    client.logout()
    page = client.get(link)  # a mail scanner's GET joins nobody
    assert page.status_code == 200 and "Join as Olive" in page.text
    assert not women.memberships.filter(person=outsider).exists()
    page = client.post(link)
    assert page.status_code == 200 and "you are now a member" in page.text
    assert women.memberships.filter(person=outsider).exists()
    assert not women.memberships.filter(person=eric).exists()
    assert AuditEntry.objects.filter(action="foruminvitation.create").count() == 2
    assert AuditEntry.objects.filter(action="forummembership.create").count() == 1
    # A link altered or made for someone else does nothing.
    assert client.post(link[:-3] + "xx/").status_code == 400


@pytest.mark.parametrize(
    "which", ["member", "unknown", "other_clp", "not_member", "number"]
)
def test_forum_invite_answers_the_same_whoever_is_named(
    client, forum_chair, forums, clp_a, which, mailoutbox
):
    """The page never tells a forum officer whether an address is a member's."""
    women, europe, wendy, outsider, eric, bruno = forums
    not_member = factories.PersonFactory(constituency=clp_a)  # no membership
    data = {
        "member": {"identifier": outsider.email},
        "unknown": {"identifier": "nobody@example.org"},
        "other_clp": {"identifier": bruno.email},  # not in this forum's CLPs
        "not_member": {"identifier": not_member.email},
        "number": {"identifier": "99999", "last_name": "Nobody"},
    }[which]
    before = ForumMembership.objects.count()
    client.force_login(forum_chair)
    response = client.post(reverse("portal:forum", args=[women.pk]), data, follow=True)
    assert response.status_code == 200
    assert "we have emailed them an invitation" in response.text
    assert "is-invalid" not in response.text
    assert "Berkshire" not in response.text and "Outsider" not in response.text
    assert ForumMembership.objects.count() == before
    invited = set(women.invitations.values_list("person", flat=True))
    assert invited == ({outsider.pk} if which == "member" else set())


def test_forum_invite_needs_an_identifier(client, forum_chair, forums):
    women = forums[0]
    client.force_login(forum_chair)
    response = client.post(reverse("portal:forum", args=[women.pk]), {"identifier": ""})
    assert response.status_code == 200 and "is-invalid" in response.text
    assert not women.invitations.exists()


def test_forum_officer_removes_a_member(client, forum_chair, forums):
    women, europe, wendy, *_ = forums
    membership = women.memberships.get(person=wendy)
    client.force_login(forum_chair)
    response = client.post(
        reverse("portal:forum_member_remove", args=[women.pk, membership.pk])
    )
    assert response.status_code == 302
    assert not women.memberships.exists()
    assert AuditEntry.objects.filter(action="forummembership.delete").exists()


def test_forum_officer_cannot_remove_from_another_forum(client, forum_chair, forums):
    women, europe, wendy, outsider, eric, bruno = forums
    membership = europe.memberships.get(person=eric)
    client.force_login(forum_chair)
    for forum_pk in (women.pk, europe.pk):
        response = client.post(
            reverse("portal:forum_member_remove", args=[forum_pk, membership.pk])
        )
        assert response.status_code == 404
    assert ForumMembership.objects.filter(pk=membership.pk).exists()


def test_forum_page_queries_do_not_grow(
    client, forum_chair, forums, clp_a, django_assert_max_num_queries
):
    women = forums[0]
    client.force_login(forum_chair)
    url = reverse("portal:forum", args=[women.pk])
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for n in range(15):
        person = member(clp_a, first_name=f"F{n}", last_name="Many")
        ForumMembership.objects.create(forum=women, person=person)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.text.count("Many") >= 15


# --- the admin ---------------------------------------------------------------------


def test_each_clp_sees_only_its_own_people_on_a_shared_forum(
    client, officer_a, officer_b, forums
):
    women, europe, *_ = forums
    client.force_login(officer_a)
    page = client.get(reverse("admin:members_forum_change", args=[europe.pk]))
    assert page.status_code == 200
    assert "Europa" in page.text and "Berkshire" not in page.text
    listing = client.get(reverse("admin:members_forummembership_changelist"))
    assert "Europa" in listing.text and "Berkshire" not in listing.text

    client.force_login(officer_b)
    page = client.get(reverse("admin:members_forum_change", args=[europe.pk]))
    assert "Berkshire" in page.text and "Europa" not in page.text
    # A's own forum does not exist for B.
    url = reverse("admin:members_forum_change", args=[women.pk])
    assert client.get(url).status_code == 404


def test_saving_a_shared_forum_keeps_the_other_clp(client, officer_a, forums, clp_b):
    europe = forums[1]
    client.force_login(officer_a)
    url = reverse("admin:members_forum_change", args=[europe.pk])
    page = client.get(url)
    assert "Reading West" not in page.text
    data = {
        "name": "West Midlands European Forum",
        "kind": "european",
        "description": "",
        "constituencies": [c.pk for c in europe.constituencies.exclude(pk=clp_b.pk)],
    }
    for formset in page.context["inline_admin_formsets"]:
        fs = formset.formset
        data[f"{fs.prefix}-TOTAL_FORMS"] = str(len(fs.initial_forms))
        data[f"{fs.prefix}-INITIAL_FORMS"] = str(len(fs.initial_forms))
        for i, form in enumerate(fs.initial_forms):
            for name in form.fields:
                value = form[name].value()
                data[f"{fs.prefix}-{i}-{name}"] = "" if value is None else value
    response = client.post(url, data)
    assert response.status_code == 302
    assert clp_b in europe.constituencies.all()
    assert europe.memberships.count() == 2


def test_treasurer_may_view_but_not_edit_forums(client, clp_a, forums):
    women = forums[0]
    client.force_login(factories.officer(clp_a, role="treasurer"))
    url = reverse("admin:members_forum_change", args=[women.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert client.get(reverse("admin:members_forum_add")).status_code == 403


def test_womens_officer_adds_a_forum_member_in_admin(client, clp_a, forums):
    women, europe, wendy, outsider, *_ = forums
    client.force_login(factories.officer(clp_a, role="womens_officer"))
    response = client.post(
        reverse("admin:members_forummembership_add"),
        {"forum": women.pk, "person": outsider.pk, "joined": "2026-01-01"},
    )
    assert response.status_code == 302
    assert women.memberships.filter(person=outsider).exists()
    assert AuditEntry.objects.filter(action="forummembership.create").exists()


def test_forum_membership_list_queries_do_not_grow(
    client, officer_a, forums, clp_a, django_assert_max_num_queries
):
    women = forums[0]
    client.force_login(officer_a)
    url = reverse("admin:members_forummembership_changelist")
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for n in range(15):
        person = member(clp_a, first_name=f"G{n}", last_name="Crowd")
        ForumMembership.objects.create(forum=women, person=person)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.text.count("Crowd") >= 15


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
