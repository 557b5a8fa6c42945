"""A member's private calendar feed: their own bookings only, by a secret link."""

import re

import icalendar
from django.urls import reverse

from events.models import Event
from events.services import event_cancel, personal_feed_url, rsvp_create
from partyhub.links import make_token
from tests.events.conftest import make_event


def _book(event, person, answer="yes"):
    return rsvp_create(event=event, person=person, answer=answer,
                       source="portal", actor=None)  # fmt: skip


def _path(url):
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _summaries(response):
    cal = icalendar.Calendar.from_ical(response.content)
    return {str(e["SUMMARY"]): str(e.get("STATUS")) for e in cal.walk("VEVENT")}


def test_feed_holds_my_bookings_only(client, clp_a, member_a):
    me = member_a.person
    other = make_event(clp_a, title="Quiz")
    _book(make_event(clp_a, title="Barbecue"), me)
    _book(make_event(clp_a, title="AGM"), me, answer="maybe")
    _book(make_event(clp_a, title="Picnic"), me, answer="no")
    cancelled = make_event(clp_a, title="Boat trip")
    _book(cancelled, me)
    event_cancel(event=cancelled, actor=None)
    client.force_login(member_a)
    page = client.get(reverse("events:mine"))
    # The page's own link (a fresh one is signed with a later timestamp, so the
    # two may differ by a second).
    prefix = reverse("events:my_feed", args=["TOKEN"]).split("TOKEN")[0]
    found = re.search(re.escape(prefix) + r"[^\"'<\s]+", page.text)
    assert found, "My events shows the private calendar address"
    client.logout()  # calendar apps do not log in
    response = client.get(found.group(0))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    assert _summaries(response) == {
        "Barbecue": "CONFIRMED",
        "AGM": "TENTATIVE",
        "Boat trip": "CANCELLED",
    }
    # Somebody else's link shows only theirs.
    from tests.events.conftest import member

    someone = member(clp_a)
    _book(other, someone)
    theirs = client.get(_path(personal_feed_url(someone)))
    assert _summaries(theirs) == {"Quiz": "CONFIRMED"}


def test_bad_or_foreign_tokens_are_404(client, member_a):
    good = _path(personal_feed_url(member_a.person))
    token = good.split("/")[-2]
    bad = good.replace(token, token[:-3] + ("aaa" if token[-3:] != "aaa" else "bbb"))
    assert client.get(bad).status_code == 404
    rsvp_token = make_token("events.rsvp", member_a.person.pk, i=1)
    assert client.get(reverse("events:my_feed", args=[rsvp_token])).status_code == 404
    assert Event.objects.count() == 0


def test_a_new_calendar_address_stops_the_old_one(client, clp_a, member_a):
    from partyhub.audit.models import AuditEntry

    me = member_a.person
    _book(make_event(clp_a, title="Barbecue"), me)
    old = _path(personal_feed_url(me))  # given out before any reset
    assert client.get(old).status_code == 200
    client.force_login(member_a)
    assert client.get(reverse("events:feed_reset")).status_code == 405
    response = client.post(reverse("events:feed_reset"), follow=True)
    assert "the old one no longer works" in response.text
    shown = re.search(r'id="my-feed" value="([^"]+)"', response.text).group(1)
    new = _path(shown)  # the page shows the new address
    client.logout()
    assert client.get(old).status_code == 404
    assert _summaries(client.get(new)) == {"Barbecue": "CONFIRMED"}
    assert AuditEntry.objects.filter(action="event.feed_reset").count() == 1
    # Asking again retires that one too; another person's address is untouched.
    from tests.events.conftest import member

    someone = member(clp_a)
    theirs = _path(personal_feed_url(someone))
    client.force_login(member_a)
    client.post(reverse("events:feed_reset"))
    client.logout()
    assert client.get(new).status_code == 404
    assert client.get(theirs).status_code == 200
