"""The demo walkthrough of issue 24, as an officer sees it: a member's page shows
their bookings, team sessions, a petition, a network post and the newsletter
they received, newest first, and the summary's figures are the page's entries."""

from __future__ import annotations

import datetime
import html
import re

from django.urls import reverse
from django.utils import timezone

from members.models import Person
from partyhub.accounts.models import User
from partyhub.comms.models import Delivery

ROW = re.compile(
    r"<tr><td>(\d{1,2} \w{3} \d{4})</td><td>([^<]*)</td><td>(.*?)</td></tr>", re.S
)


def _rows(client, person) -> tuple[str, list[tuple[datetime.date, str, str]]]:
    """The first page as the officer sees it, and every row of every page."""
    url = reverse("admin:members_person_change", args=[person.pk])
    first, rows, n = "", [], 1
    while True:
        response = client.get(url, {"history_page": n})
        assert response.status_code == 200
        page = response.content.decode()
        first = first or page
        table = page[page.index('class="table timeline"') :]
        table = table[: table.index("</table>")]
        for when, kind, what in ROW.findall(table):
            day = datetime.datetime.strptime(f"{when} +0000", "%d %b %Y %z").date()
            rows.append((day, html.unescape(kind), html.unescape(what)))
        if f"Page {n} of" not in page or f"Page {n} of {n}" in page:
            return first, rows
        n += 1


def test_demo_member_page_shows_every_kind_of_history_in_order(seeded_demo, db, client):
    client.force_login(User.objects.get(email="chair@hodgehill.example.org"))
    person = Person.objects.get(first_name="Shazia", last_name="Akhtar")
    page, rows = _rows(client, person)
    text = [what for _day, _kind, what in rows]

    def shown(prefix: str) -> list[str]:
        return [t for t in text if t.startswith(prefix)]

    assert shown("Booked on “"), text
    assert shown("Came to “"), text
    assert shown("Did a Birmingham Hodge Hill Saturday team session"), text
    assert shown("Signed “Fix our street lights”"), text
    assert shown("Posted in “"), text
    newsletter = Delivery.objects.filter(person=person, status="sent").first()
    assert shown(f"Received “{newsletter.message.subject}”"), text
    # Newest first, across every page.
    days = [day for day, _kind, _what in rows]
    assert days == sorted(days, reverse=True)
    # The summary counts what the page lists: events attended and sessions done
    # in the last 12 months, and each kind's count in the filter is its rows.
    year_ago = timezone.localdate() - datetime.timedelta(days=365)
    attended = sum(1 for d, _k, t in rows if d > year_ago and t.startswith("Came to"))
    sessions = sum(1 for d, _k, t in rows if d > year_ago and t.startswith("Did a "))
    assert attended and sessions
    events = "event attended" if attended == 1 else "events attended"
    done = "session done" if sessions == 1 else "sessions done"
    summary = page[page.index("In the last 12 months") :][:400]
    assert f"{attended} {events};" in summary, summary
    assert re.search(rf"\b{sessions} {done}", page)
    filters = dict(re.findall(r">([A-Z][\w ]+) \((\d+)\)<", page))
    by_kind: dict[str, int] = {}
    for _day, kind, _what in rows:
        by_kind[kind] = by_kind.get(kind, 0) + 1
    assert {k: int(v) for k, v in filters.items() if k in by_kind} == by_kind
