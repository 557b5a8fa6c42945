"""Review fixes: a forum shared with another CLP is not deleted by one CLP alone."""

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from members.models import Forum, ForumMembership
from tests.members.talent.test_forums import forums  # noqa: F401 (fixture)


def test_officer_cannot_delete_a_forum_shared_with_another_clp(
    client,
    officer_a,
    forums,  # noqa: F811
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
