"""Every URL pattern of the project, walked as the people who must not reach a
person's contact details: an officer of another CLP, an officer without two-factor,
a member who is not the owner, and an anonymous visitor.

The pattern list is computed from the resolver, so a new page is walked without
editing this file. Every fixture record a page can be about has the same primary
key (WALK_PK) and every slug is the same, so one value fills any `<int:…>` or
`<slug:…>` in any URL and lands on a real CLP-A record. Tokens and other string
kwargs get a forged value: a link made for the person is theirs (the holder is the
owner), but a forged one must reveal nothing. GET only, one shared fixture.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests import factories

# The walk's data is built once for the module (below); the mark tells
# pytest-django to set up the test database for it.
pytestmark = pytest.mark.django_db

WALK_PK = 7001
WALK_SLUG = "walk-a"
EMAIL = "tamsin.target@walk.example"
PHONE = "0121 496 7777"
MOBILE = "07700 900777"
FORGED = "forged-0123456789abcdef"
# Pages that only offer a form or a file of the viewer's own, and Django's
# machinery: nothing about another person can be reached through them.
TRAPS_NOT_PAGES = {"set_language", "account_logout"}


def _patterns(entries=None, path=(), namespace: str = "") -> Iterator[tuple]:
    """(name, the route's patterns from the root down) for every named route."""
    for entry in entries if entries is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _patterns(entry.url_patterns, (*path, entry.pattern), full)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, (*path, entry.pattern)


def _fills(patterns) -> list[dict]:
    """Every way to fill a route's kwargs with the fixture's values."""
    fills: list[dict] = [{}]
    for pattern in patterns:
        regex = pattern.regex.pattern
        converters = getattr(pattern, "converters", {})
        for name in pattern.regex.groupindex:
            converter = type(converters[name]).__name__ if name in converters else ""
            if name == "app_label":
                labels = re.search(r"\(\?P<app_label>([^)]*)\)", regex)
                options = labels.group(1).split("|") if labels else [FORGED]
            elif converter == "IntConverter" or name.endswith(("_id", "pk")):
                options = [str(WALK_PK)]
            elif converter == "SlugConverter":
                options = [WALK_SLUG]
            else:
                options = [FORGED]
            fills = [{**fill, name: option} for fill in fills for option in options]
    return fills


def walk_urls() -> list[str]:
    urls = set()
    for name, patterns in _patterns():
        if name in TRAPS_NOT_PAGES:
            continue
        for kwargs in _fills(patterns):
            url = reverse(name, kwargs=kwargs)
            # The admin's blank add forms show no record (and are its slowest
            # pages): its lists, record pages and custom pages are walked.
            if not (url.startswith("/admin/") and url.endswith("/add/")):
                urls.add(url)
    return sorted(urls)


@pytest.fixture(scope="module")
def walk(django_db_setup, django_db_blocker):
    """CLP A with a person whose email and phone we know, in every role a page can
    show: forum, team, network, event, call list, mentoring. Built once, rolled
    back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        data = _build()
        yield data
        transaction.set_rollback(True)


def _build() -> dict:
    from campaigns.models import (
        CallList,
        CallListEntry,
        Campaign,
        Petition,
        Session,
        Team,
    )
    from events.models import Booking, Event
    from members.models import Forum, ForumMembership, ForumOfficer, Mentorship
    from networks.models import (
        Consultation,
        Network,
        NetworkMembership,
        Post,
        Section,
        Thread,
    )

    clp_a = factories.ConstituencyFactory(name="Walk A", slug=WALK_SLUG)
    clp_b = factories.ConstituencyFactory(name="Walk B", slug="walk-b")
    ward = factories.WardFactory(constituency=clp_a, name="Tamarisk Ward")
    target = factories.PersonFactory(
        pk=WALK_PK, constituency=clp_a, ward=ward, first_name="Tamsin",
        last_name="Target", email=EMAIL, phone=PHONE, mobile=MOBILE,
    )  # fmt: skip
    membership = factories.MembershipFactory(person=target, pk=WALK_PK)

    forum = Forum.objects.create(pk=WALK_PK, name="Walk forum", kind="women")
    forum.constituencies.add(clp_a, clp_b)
    ForumMembership.objects.create(pk=WALK_PK, forum=forum, person=target)

    campaign = Campaign.objects.create(
        pk=WALK_PK, name="Walk campaign", starts=timezone.localdate()
    )
    campaign.constituencies.add(clp_a)
    team = Team.objects.create(pk=WALK_PK, name="Walk team", campaign=campaign)
    team.constituencies.add(clp_a, clp_b)
    team.members.add(target)
    now = timezone.now()
    Session.objects.create(
        pk=WALK_PK, team=team, starts=now - datetime.timedelta(days=1),
        ends=now - datetime.timedelta(hours=23),
    )  # fmt: skip
    Petition.objects.create(
        pk=WALK_PK, constituency=clp_a, campaign=campaign, slug=WALK_SLUG,
        title="Walk petition", text="Please.", target=10, status="open",
    )  # fmt: skip

    network = Network.objects.create(pk=WALK_PK, name="Walk network")
    network.constituencies.add(clp_a, clp_b)
    NetworkMembership.objects.create(
        pk=WALK_PK, network=network, person=target, status="active"
    )
    thread = Thread.objects.create(
        pk=WALK_PK, network=network, title="Walk thread", author=target
    )
    Post.objects.create(pk=WALK_PK, thread=thread, author=target, body="Hello")
    consultation = Consultation.objects.create(
        pk=WALK_PK, network=network, title="Walk consultation", document="Doc",
        deadline=timezone.localdate() + datetime.timedelta(days=30),
    )  # fmt: skip
    Section.objects.create(pk=WALK_PK, consultation=consultation, number=1, title="S")

    event = Event.objects.create(
        pk=WALK_PK, kind="social", title="Walk event", venue="Hall",
        starts=now + datetime.timedelta(days=7), ends=now + datetime.timedelta(days=7, hours=2),
        audience="public", status="published",
    )  # fmt: skip
    event.constituencies.add(clp_a)
    Booking.objects.create(
        pk=WALK_PK, event=event, person=target, status="yes", source="portal"
    )

    call_list = CallList.objects.create(
        pk=WALK_PK, constituency=clp_a, name="Walk calls", status="open"
    )
    CallListEntry.objects.create(
        pk=WALK_PK, call_list=call_list, person=target, phone=MOBILE
    )
    Mentorship.objects.create(
        pk=WALK_PK, mentee=target, membership=membership, constituency=clp_a
    )

    # The cast: who must not see Tamsin's details. B's officer has appointed
    # themselves into every shared role A's people are in.
    officer_b = factories.officer(clp_b, role="secretary")
    ForumOfficer.objects.create(
        forum=forum, person=officer_b.person, role="chair", appointed_for=clp_b
    )
    team.leads.add(officer_b.person, through_defaults={"appointed_for": clp_b})
    network.coordinators.add(
        officer_b.person, through_defaults={"appointed_for": clp_b}
    )
    member_2fa = factories.UserFactory(totp=True)
    factories.MembershipFactory(
        person=factories.PersonFactory(constituency=clp_a, user=member_2fa)
    )
    return {
        "officer of another CLP": officer_b,
        "officer without two-factor": factories.officer(
            clp_a, role="secretary", two_factor=False
        ),
        "member who is not the owner": factories.member_user(clp_a),
        "anonymous visitor": None,
        # Not walked for leaks: an officer who may see A's people and a member,
        # both with two-factor, to tell which pages an office unlocks.
        "_officer with two-factor": factories.officer(clp_a, role="secretary"),
        "_member with two-factor": member_2fa,
    }


def _get(client: Client, url: str):
    response = client.get(url)
    body = b"".join(response) if response.streaming else response.content
    return response.status_code, body.decode("utf-8", "replace")


def _leaks(text: str) -> list[str]:
    return [
        found
        # A ward's name alone is not about anyone (pages offer wards as choices):
        # the shared-role tests check it is not shown beside a person.
        for found in (EMAIL, PHONE, MOBILE, PHONE.replace(" ", ""))
        if found in text
    ]


def _walk(user, urls) -> dict[str, tuple[int, str]]:
    client = Client()
    if user is not None:
        client.force_login(user)
    return {url: _get(client, url) for url in urls}


@pytest.fixture(scope="module")
def walked(walk) -> dict:
    """Each of the cast's responses to every page, fetched once for the module."""
    urls = walk_urls()
    own = [u for u in urls if not u.startswith("/admin/")]
    return {
        "urls": urls,
        **{who: _walk(user, urls) for who, user in walk.items() if who[0] != "_"},
        **{who: _walk(user, own) for who, user in walk.items() if who[0] == "_"},
    }


def test_no_page_shows_a_persons_contact_details_to_someone_who_should_not_see_them(
    walk, walked
):
    assert len(walked["urls"]) > 100  # the admin's and the apps' pages, computed
    leaks = [
        f"{who}: GET {url} ({status}) shows {_leaks(text)}"
        for who in walk
        if who[0] != "_"
        for url, (status, text) in walked[who].items()
        if _leaks(text)
    ]
    assert not leaks, "\n".join(leaks)


def test_no_page_an_office_unlocks_opens_without_two_factor(walk, walked):
    """Every admin page, and every other page an officer (with two-factor) can open
    but a member (with two-factor) cannot: an officer without two-factor gets only
    the way to set it up."""
    without = walked["officer without two-factor"]
    officer = walked["_officer with two-factor"]
    member = walked["_member with two-factor"]
    officer_pages = [u for u in walked["urls"] if u.startswith("/admin/")] + [
        url
        for url, (status, _text) in officer.items()
        if status == 200 and member[url][0] != 200
    ]
    assert any(not u.startswith("/admin/") for u in officer_pages), officer_pages
    opened = [url for url in officer_pages if without[url][0] == 200]
    assert not opened, opened
    # And what it does get is the way to set two-factor up, not an error.
    client = Client()
    client.force_login(walk["officer without two-factor"])
    for url in officer_pages[:: max(1, len(officer_pages) // 20)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("mfa_activate_totp"), url
