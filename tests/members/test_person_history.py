"""The person's admin page: a summary at the top and the history below, from the
register of personal data, scoped to the officer's constituencies."""

from __future__ import annotations

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Petition, Signature
from events.models import Booking
from members.models import ContactLog
from partyhub.comms.consent import consent_record
from partyhub.comms.models import Channel, Method
from tests import factories
from tests.events.conftest import make_event


def _page(client, person, **query):
    url = reverse("admin:members_person_change", args=[person.pk])
    return client.get(url, query)


def _sign(person, clp, n, *, start=0):
    for i in range(start, start + n):
        petition = Petition.objects.create(
            constituency=clp, slug=f"p-{person.pk}-{i}", title=f"Petition {i}", text="x"
        )
        Signature.objects.create(petition=petition, person=person, source="online")


def test_officer_sees_summary_and_history(client, clp_a, officer_a):
    person = factories.PersonFactory(constituency=clp_a)
    factories.MembershipFactory(
        person=person, constituency=clp_a, joined=datetime.date(2019, 4, 1)
    )
    _sign(person, clp_a, 1)
    event = make_event(clp_a, title="Summer social")
    Booking.objects.create(
        event=event,
        person=person,
        status="yes",
        source="portal",
        attended_at=timezone.now() - datetime.timedelta(days=3),
    )
    consent_record(
        person=person, channel=Channel.EMAIL, granted=True, method=Method.PORTAL,
        wording="Can we email you?", actor=None,
    )  # fmt: skip
    ContactLog.objects.create(
        person=person, how="call", outcome="spoke", note="Keen", by_user=officer_a
    )
    page = _page(client.force_login(officer_a) or client, person).content.decode()
    assert "Member since" in page and "1 April 2019" in page
    assert "1 event attended" in page
    assert "Can we email you?" in page
    assert "Log a contact" in page
    assert "History" in page
    assert "Signed “Petition 0”" in page
    assert "Came to “Summer social”" in page
    assert "Phone call: Spoke to them" in page
    # Newest first: the contact (now) before the attendance (3 days ago).
    assert page.index("Phone call: Spoke to them") < page.index("Came to “Summer")


def test_history_filters_by_kind_and_pages(client, clp_a, officer_a):
    person = factories.PersonFactory(constituency=clp_a)
    factories.MembershipFactory(person=person, constituency=clp_a)
    _sign(person, clp_a, 55)
    client.force_login(officer_a)
    page = _page(client, person).content.decode()
    assert "Page 1 of 2" in page
    assert "Signed “Petition 54”" in page or "Signed “Petition 0”" in page
    only = _page(client, person, history_kind="membership").content.decode()
    assert "Joined the party" in only
    assert "Signed “Petition" not in only
    second = _page(client, person, history_page=2).content.decode()
    assert "Page 2 of 2" in second


def test_another_constituencys_activity_shows_without_detail(
    client, clp_a, clp_b, officer_a, officer_b
):
    # A person of B signed A's petition and came to an event A and B share.
    person = factories.PersonFactory(constituency=clp_b)
    petition = Petition.objects.create(
        constituency=clp_a, slug="a-private", title="A's own petition", text="x"
    )
    Signature.objects.create(petition=petition, person=person, source="online")
    shared = make_event(clp_a, title="Joint hustings")
    shared.constituencies.add(clp_b)
    Booking.objects.create(event=shared, person=person, status="yes", source="portal")
    client.force_login(officer_b)
    page = _page(client, person).content.decode()
    assert "A&#x27;s own petition" not in page and "A's own petition" not in page
    assert "Activity in another constituency" in page
    assert "Joint hustings" in page
    # Officers of A cannot open B's person at all.
    client.force_login(officer_a)
    assert _page(client, person).status_code in (302, 404)


def _count(client, person) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert _page(client, person).status_code == 200
    return len(ctx.captured_queries)


def _history(person, clp, officer, n, *, start=0):
    """`n` entries of each busy kind: petitions signed, events booked (every
    other one attended), emails received, calls logged, consent changes."""
    from events.models import Event
    from partyhub.comms.models import ConsentEvent, Delivery, Message

    now = timezone.now()

    def ago(i):
        return now - datetime.timedelta(hours=i * 7 + 1)

    _sign(person, clp, n, start=start)
    events = Event.objects.bulk_create(
        Event(kind=Event.Kind.SOCIAL, title=f"Social {i}", venue="Hall",
              starts=ago(i), ends=ago(i) + datetime.timedelta(hours=2),
              audience=Event.Audience.MEMBERS_AND_SUPPORTERS,
              status=Event.Status.PUBLISHED)
        for i in range(start, start + n)
    )  # fmt: skip
    Event.constituencies.through.objects.bulk_create(
        Event.constituencies.through(event=e, constituency=clp) for e in events
    )
    Booking.objects.bulk_create(
        Booking(event=e, person=person, status="yes", source="portal",
                attended_at=e.starts if i % 2 else None)
        for i, e in enumerate(events)
    )  # fmt: skip
    messages = Message.objects.bulk_create(
        Message(constituency=clp, subject=f"News {i}", body="x")
        for i in range(start, start + n)
    )
    Delivery.objects.bulk_create(
        Delivery(message=m, person=person, status="sent", sent_at=ago(i))
        for i, m in enumerate(messages)
    )
    ContactLog.objects.bulk_create(
        ContactLog(person=person, how="call", outcome="spoke", at=ago(i),
                   by_user=officer, note=f"Call {i}")
        for i in range(start, start + n)
    )  # fmt: skip
    ConsentEvent.objects.bulk_create(
        ConsentEvent(person=person, channel="email", granted=bool(i % 2), at=ago(i),
                     method="portal", wording="Can we email you?")
        for i in range(start, start + n)
    )  # fmt: skip


def test_page_queries_do_not_grow_with_the_history(client, clp_a, officer_a):
    # About 10 entries of each busy kind, then about 1,000 in all.
    person = factories.PersonFactory(constituency=clp_a)
    factories.MembershipFactory(person=person, constituency=clp_a)
    _history(person, clp_a, officer_a, 2)
    client.force_login(officer_a)
    _count(client, person)  # warm caches (content types, sessions)
    ten = _count(client, person)
    few = _page(client, person).content.decode()
    _history(person, clp_a, officer_a, 198, start=2)
    assert _count(client, person) == ten
    many = _page(client, person).content.decode()
    # The page did show the longer history.
    assert "Petitions (2)" in few and "Petitions (200)" in many
    assert "Contact log (200)" in many and "Messages (200)" in many
    assert "100 events attended" in many
    # So did each filter's pages, at the same cost.
    with CaptureQueriesContext(connection) as ctx:
        events = _page(client, person, history_kind="events", history_page=3)
    assert "Page 3 of" in events.content.decode()
    assert len(ctx.captured_queries) <= ten


def test_quick_actions_open_existing_pages(client, clp_a, officer_a):
    person = factories.PersonFactory(constituency=clp_a)
    factories.MembershipFactory(person=person, constituency=clp_a)
    client.force_login(officer_a)
    page = _page(client, person).content.decode()
    block = page[page.index("Quick actions") :]
    block = block[: block.index("</ul>")]
    links = re.findall(r'href="([^"]+)"', block)
    assert len(links) >= 2
    for link in links:
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link


def test_page_reads_only_the_newest_rows_and_counts_the_rest(
    client, clp_a, clp_b, officer_b
):
    # A person of B with 60 calls logged and 3 of A's petitions signed among them.
    person = factories.PersonFactory(constituency=clp_b)
    now = timezone.now()
    ContactLog.objects.bulk_create(
        ContactLog(person=person, how="call", outcome="spoke", by_user=officer_b,
                   note=f"Call {i}", at=now - datetime.timedelta(hours=i))
        for i in range(60)
    )  # fmt: skip
    _sign(person, clp_a, 3)
    for i, signature in enumerate(Signature.objects.filter(person=person)):
        Signature.objects.filter(pk=signature.pk).update(
            created=now - datetime.timedelta(hours=i * 20 + 0.5)
        )
    client.force_login(officer_b)
    with CaptureQueriesContext(connection) as ctx:
        first = _page(client, person).content.decode()
    assert "Contact log (60)" in first and "Other (3)" in first
    assert "Page 1 of 2" in first
    # The 50 newest: calls 0 to 45, the record's creation and the three
    # signatures, shown without detail.
    assert "Call 0</small>" in first and "Call 45</small>" in first
    assert "Call 46</small>" not in first
    assert first.count("Activity in another constituency</td>") == 3
    # Only the rows that can be on the page are read from the contact log.
    sql = [q["sql"] for q in ctx.captured_queries if "members_contactlog" in q["sql"]]
    assert sql and all("COUNT(" in q or "LIMIT" in q for q in sql), sql
    second = _page(client, person, history_page=2).content.decode()
    assert "Call 46</small>" in second and "Call 59</small>" in second
    assert "Call 45</small>" not in second
    calls = _page(client, person, history_kind="contacts", history_page=2)
    calls = calls.content.decode()
    assert "Call 50</small>" in calls and "Call 59</small>" in calls
    assert "Call 49</small>" not in calls and "another constituency</td>" not in calls
    other = _page(client, person, history_kind="other").content.decode()
    assert other.count("Activity in another constituency</td>") == 3


def test_messages_are_counted_and_paged_with_their_constituency(
    client, clp_a, clp_b, officer_b
):
    from partyhub.comms.models import Delivery, Message

    person = factories.PersonFactory(constituency=clp_b)
    ours = Message.objects.create(constituency=clp_b, subject="B news", body="x")
    theirs = Message.objects.create(constituency=clp_a, subject="A news", body="x")
    queued = Message.objects.create(constituency=clp_b, subject="Not yet", body="x")
    Delivery.objects.create(
        message=ours, person=person, status="sent", sent_at=timezone.now()
    )
    Delivery.objects.create(message=theirs, person=person, status="failed")
    Delivery.objects.create(message=queued, person=person, status="queued")
    client.force_login(officer_b)
    page = _page(client, person).content.decode()
    assert "Messages (1)" in page and "Other (1)" in page
    assert "Received “B news”" in page
    assert "A news" not in page and "Not yet" not in page
    only = _page(client, person, history_kind="messages").content.decode()
    assert "Received “B news”" in only and "another constituency</td>" not in only


def test_bookings_are_counted_and_paged_with_their_hosts(
    client, clp_a, clp_b, officer_b
):
    # A person of B: 30 of B's socials (came to the odd ones), and A's own
    # event, which B's officer sees only as another constituency's activity.
    person = factories.PersonFactory(constituency=clp_b)
    now = timezone.now()
    for i in range(30):
        event = make_event(clp_b, title=f"B social {i}")
        event.starts = now - datetime.timedelta(days=i + 1)
        event.save(update_fields=["starts"])
        Booking.objects.create(
            event=event, person=person, status="yes", source="portal",
            attended_at=event.starts if i % 2 else None,
        )  # fmt: skip
    theirs = make_event(clp_a, title="A private dinner")
    Booking.objects.create(
        event=theirs, person=person, status="yes", source="portal",
        attended_at=now - datetime.timedelta(days=2),
    )  # fmt: skip
    client.force_login(officer_b)
    with CaptureQueriesContext(connection) as ctx:
        page = _page(client, person).content.decode()
    # 30 booked, 15 came, 15 did not come; A's booking and attendance are "Other".
    assert "Events (60)" in page and "Other (2)" in page
    assert "15 events attended" in page
    assert "A private dinner" not in page
    assert "Came to “B social 1”" in page and "Did not come to “B social 0”" in page
    sql = [q["sql"] for q in ctx.captured_queries if "events_booking" in q["sql"]]
    assert sql and all("COUNT(" in q or "LIMIT" in q for q in sql), sql
    only = _page(client, person, history_kind="events", history_page=2)
    only = only.content.decode()
    assert "Page 2 of 2" in only and "another constituency</td>" not in only
