"""The renewal desk: lists, scoping, bulk actions, arrears reminders, the report."""

import csv
import datetime
import io
import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.desk import services
from members.models import ContactLog, Membership, Mentorship
from members.signals import members_fell_into_arrears, members_joined
from partyhub.audit.models import AuditEntry
from partyhub.comms.models import Reminder
from tests import factories
from tests.helpers import grant_email, send_all_mail
from tests.members.desk.conftest import make_mentor, new_member

DESK = reverse("admin:members_deskmembership_changelist")
Status = Membership.Status


def _days(n):
    return timezone.localdate() - datetime.timedelta(days=n)


def _member(clp, last_name, **membership):
    person = factories.PersonFactory(constituency=clp, last_name=last_name)
    membership.setdefault("joined", _days(800))
    return factories.MembershipFactory(person=person, **membership)


@pytest.fixture
def desk_people(clp_a, clp_b):
    """One member of clp_a on each list, and some who are on none."""
    return {
        "new": _member(clp_a, "Newjoiner", joined=_days(5)),
        "rejoiners": _member(clp_a, "Rejoiner", rejoined_on=_days(10)),
        "arrears": _member(
            clp_a, "Arrears", status=Status.ARREARS, status_since=_days(20)
        ),
        "lapsing": _member(clp_a, "Expiring", expires=_days(-10)),
        "lapsing_arrears": _member(
            clp_a, "Longarrears", status=Status.ARREARS, status_since=_days(160)
        ),
        "lapsed": _member(
            clp_a, "Lately", status=Status.LAPSED, status_since=_days(30)
        ),
        "keep_in_touch": _member(
            clp_a, "Formerly", status=Status.RESIGNED, status_since=_days(400)
        ),
        "called_former": _member(
            clp_a, "Calledlately", status=Status.LAPSED, status_since=_days(400)
        ),
        "settled": _member(clp_a, "Settled", expires=_days(-200)),
        "other_clp_new": _member(clp_b, "Elsewhere", joined=_days(5)),
    }


@pytest.mark.parametrize(
    ("list_key", "expected", "absent"),
    [
        ("new", {"Newjoiner"}, {"Settled", "Elsewhere", "Rejoiner"}),
        ("rejoiners", {"Rejoiner"}, {"Newjoiner", "Settled"}),
        ("arrears", {"Arrears", "Longarrears"}, {"Settled", "Lately"}),
        ("lapsing", {"Expiring", "Longarrears"}, {"Arrears", "Settled"}),
        ("lapsed", {"Lately"}, {"Calledlately", "Formerly"}),
        ("keep_in_touch", {"Formerly"}, {"Calledlately", "Lately", "Settled"}),
    ],
)
def test_desk_lists(client, secretary_a, desk_people, list_key, expected, absent):
    ContactLog.objects.create(
        person=desk_people["called_former"].person,
        how=ContactLog.How.CALL,
        outcome=ContactLog.Outcome.SPOKE,
        at=timezone.now() - datetime.timedelta(days=100),
    )
    client.force_login(secretary_a)
    response = client.get(DESK, {"list": list_key})
    assert response.status_code == 200
    for name in expected:
        assert name in response.text
    for name in absent:
        assert name not in response.text


def test_desk_defaults_to_new_members_and_is_scoped(client, secretary_b, desk_people):
    client.force_login(secretary_b)
    response = client.get(DESK)
    assert "Elsewhere" in response.text
    assert "Newjoiner" not in response.text
    response = client.get(DESK, {"list": "arrears"})
    assert "Arrears" not in response.text


def test_desk_shows_last_contact_and_mentor(client, clp_a, secretary_a):
    mentor = make_mentor(clp_a, first_name="Maya", last_name="Mentor")
    joiner = new_member(clp_a, last_name="Newjoiner")
    members_joined.send(sender=None, person_ids=[joiner.pk])
    services.contact_log_create(
        person=joiner,
        how=ContactLog.How.CALL,
        outcome=ContactLog.Outcome.SPOKE,
        at=datetime.datetime(
            2026, 11, 20, 18, 0, tzinfo=timezone.get_current_timezone()
        ),
        by_person=mentor.person,
        actor=None,
    )
    client.force_login(secretary_a)
    response = client.get(DESK, {"list": "new"})
    assert "Maya Mentor" in response.text
    assert "Nov. 20, 2026" in response.text or "20 Nov" in response.text


def test_desk_query_count_stays_flat(client, clp_a, secretary_a):
    mentor = make_mentor(clp_a, capacity=100)

    def add(n):
        for _ in range(n):
            person = new_member(clp_a)
            members_joined.send(sender=None, person_ids=[person.pk])
            services.contact_log_create(
                person=person,
                how=ContactLog.How.CALL,
                outcome=ContactLog.Outcome.SPOKE,
                by_person=mentor.person,
                actor=None,
            )

    client.force_login(secretary_a)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(DESK, {"list": "new"}).status_code == 200
        return len(ctx)

    add(2)
    few = count()
    add(10)
    assert count() == few


def _post_action(client, action, memberships, **data):
    return client.post(
        DESK + "?list=" + data.pop("list", "new"),
        {
            "action": action,
            ACTION_CHECKBOX_NAME: [m.pk for m in memberships],
            "index": 0,
            **data,
        },
    )


def test_bulk_log_contact(client, secretary_a, desk_people):
    client.force_login(secretary_a)
    chosen = [desk_people["new"]]
    form = _post_action(client, "log_contact", chosen)
    assert "Log a contact" in form.text and "Outcome" in form.text
    bad = _post_action(client, "log_contact", chosen, apply="1", how="carrier-pigeon")
    assert bad.status_code == 200
    assert "That choice is not on the list" in bad.text
    assert not ContactLog.objects.exists()
    done = _post_action(
        client,
        "log_contact",
        chosen,
        apply="1",
        how=ContactLog.How.CALL,
        outcome=ContactLog.Outcome.WILL_RENEW,
        note="Will pay on Friday",
    )
    assert done.status_code == 302
    entry = ContactLog.objects.get()
    assert entry.person == desk_people["new"].person
    assert entry.by_person == secretary_a.person and entry.by_user == secretary_a
    assert AuditEntry.objects.filter(
        action="contactlog.bulk_create", row_count=1
    ).exists()


def test_bulk_action_cannot_reach_another_constituency(
    client, secretary_a, desk_people
):
    client.force_login(secretary_a)
    _post_action(
        client,
        "log_contact",
        [desk_people["other_clp_new"]],
        apply="1",
        how=ContactLog.How.CALL,
        outcome=ContactLog.Outcome.SPOKE,
    )
    assert not ContactLog.objects.exists()


def test_templated_email_respects_consent_and_sends_once(
    client, secretary_a, desk_people
):
    consenting = desk_people["arrears"]
    silent = desk_people["lapsing_arrears"]
    grant_email(consenting.person)
    client.force_login(secretary_a)
    for _ in range(2):  # a double click
        response = _post_action(
            client,
            "send_email",
            [consenting, silent],
            list="arrears",
            apply="1",
            template="renew",
        )
        assert response.status_code == 302
    sent = send_all_mail()
    assert [m.to[0] for m in sent] == [consenting.person.email]
    assert "please renew" in sent[0].subject
    assert "https://join.labour.org.uk/" in sent[0].body
    assert AuditEntry.objects.filter(action="desk.email").count() == 2


def test_templated_email_is_shown_before_it_is_sent(
    client, secretary_a, desk_people, mailoutbox
):
    member = desk_people["arrears"]
    client.force_login(secretary_a)
    page = _post_action(client, "send_email", [member], list="arrears").text
    assert "What each email says" in page
    assert "<summary>Please renew your membership</summary>" in page
    assert f"Hello {member.person.first_name}," in page
    assert "https://join.labour.org.uk/" in page
    assert not Reminder.objects.exists() and not mailoutbox


def test_bulk_assign_mentor(client, clp_a, clp_b, secretary_a, desk_people):
    mentor = make_mentor(clp_a, capacity=1, first_name="Maya")
    make_mentor(clp_b)
    client.force_login(secretary_a)
    form = _post_action(client, "assign_mentor", [desk_people["new"]])
    assert "Maya" in form.text
    response = _post_action(
        client,
        "assign_mentor",
        [desk_people["new"], desk_people["rejoiners"]],
        list="new",
        apply="1",
        mentor=mentor.pk,
    )
    # Only the new member is on the "new" list; a capacity of one is respected.
    assert response.status_code == 302
    mentorship = Mentorship.objects.get(mentor=mentor)
    assert mentorship.mentee == desk_people["new"].person
    assert Mentorship.objects.count() == 1


def test_export_for_phoning_is_audited(client, secretary_a, desk_people):
    desk_people["arrears"].person.phone = "0121 496 0000"
    desk_people["arrears"].person.save()
    client.force_login(secretary_a)
    response = _post_action(
        client,
        "export_for_phoning",
        [desk_people["arrears"], desk_people["lapsing_arrears"]],
        list="arrears",
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:5] == [
        "first_name",
        "last_name",
        "membership_number",
        "status",
        "phone",
    ]
    assert {r[1] for r in rows[1:]} == {"Arrears", "Longarrears"}
    assert "0121 496 0000" in {r[4] for r in rows[1:]}
    assert AuditEntry.objects.get(action="deskmembership.export").row_count == 2


def test_social_secretary_sees_desk_without_actions(client, clp_a, desk_people):
    social = factories.officer(clp_a, role="social_secretary")
    client.force_login(social)
    response = client.get(DESK)
    assert response.status_code == 200
    assert "Newjoiner" in response.text
    assert "log_contact" not in response.text
    assert "export_for_phoning" not in response.text


def test_arrears_signal_sends_one_renewal_email(clp_a, desk_people):
    membership = desk_people["arrears"]
    for _ in range(2):
        members_fell_into_arrears.send(sender=None, membership_ids=[membership.pk])
    sent = send_all_mail()
    assert [m.to[0] for m in sent] == [membership.person.email]
    assert "https://join.labour.org.uk/" in sent[0].body
    assert send_all_mail() == []


def test_first_contact_report(client, clp_a, clp_b, secretary_a):
    make_mentor(clp_a, capacity=10)
    start = datetime.datetime(
        2026, 10, 5, 10, 0, tzinfo=timezone.get_current_timezone()
    )
    people = [new_member(clp_a) for _ in range(3)]
    for person in people:
        Mentorship.objects.create(mentee=person, constituency=clp_a, started_at=start)
    for person, days in zip(people[:2], (2, 4), strict=True):
        services.contact_log_create(
            person=person,
            how=ContactLog.How.CALL,
            outcome=ContactLog.Outcome.SPOKE,
            at=start + datetime.timedelta(days=days),
            actor=None,
        )
    other = new_member(clp_b)
    Mentorship.objects.create(mentee=other, constituency=clp_b, started_at=start)
    client.force_login(secretary_a)
    response = client.get(reverse("admin:members_deskmembership_report"))
    assert response.status_code == 200
    cells = response.text.split("October 2026")[1].split("</tr>")[0]
    assert [c.split("</td>")[0] for c in cells.split("<td>")[1:]] == [
        "3", "2", "3.0", "3.0", "1",
    ]  # fmt: skip


def test_desk_page_speaks_plain_words(client, secretary_a, desk_people):
    client.force_login(secretary_a)
    response = client.get(DESK)
    assert "<h1>Renewal desk</h1>" in response.text
    assert "Select renewal desk" not in response.text
    paginator = response.text.split('class="paginator">')[1].split("</p>")[0]
    assert re.search(r"\d+ members?\b", paginator)
    assert "renewal desk" not in paginator


def test_desk_lists_are_links_above_the_results(client, secretary_a, desk_people):
    client.force_login(secretary_a)
    page = client.get(DESK).text
    top = page.split('class="desk-lists"')[1].split("</nav>")[0]
    assert page.index('class="desk-lists"') < page.index('id="result_list"')
    assert 'aria-current="page"' in top.split("In arrears")[0]  # new members chosen
    arrears = re.search(r'href="([^"]*list=arrears[^"]*)"', top).group(1)
    page = client.get(DESK + arrears.replace("&amp;", "&")).text
    assert "Arrears" in page and "Newjoiner" not in page
    current = page.split('class="desk-lists"')[1].split("</nav>")[0]
    assert re.search(r'aria-current="page" class="selected">In arrears', current)


def test_desk_fits_a_laptop_and_says_how_to_reach_people(
    client, secretary_a, desk_people
):
    client.force_login(secretary_a)
    page = client.get(DESK).text
    headers = re.findall(r'<th scope="col" class="[^"]*column-(\w+)', page)
    assert headers == [
        "member",
        "status",
        "joined",
        "expires",
        "last_contact",
        "mentor",
        "reach",
    ]
    assert "How to reach them" in page


def test_export_for_phoning_leaves_out_numbers_of_those_who_said_no(
    client, clp_a, secretary_a
):
    import csv
    import io

    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

    from partyhub.comms.consent import consent_record
    from partyhub.comms.models import Channel, Method

    people = {}
    for last in ("Callme", "Nocalls", "Nocontact"):
        person = factories.PersonFactory(
            constituency=clp_a,
            last_name=last,
            phone="0121 496 0000",
            mobile="07700 900000",
        )
        people[last] = factories.MembershipFactory(
            person=person, status="arrears", joined=timezone.localdate()
        )
    consent_record(
        person=people["Nocalls"].person,
        channel=Channel.PHONE,
        granted=False,
        method=Method.PORTAL,
    )
    consent_record(
        person=people["Nocontact"].person,
        channel=Channel.ANY,
        granted=False,
        method=Method.PORTAL,
    )
    client.force_login(secretary_a)
    response = client.post(
        reverse("admin:members_deskmembership_changelist") + "?list=arrears",
        {
            "action": "export_for_phoning",
            ACTION_CHECKBOX_NAME: [m.pk for m in people.values()],
        },
    )
    content = b"".join(response.streaming_content).decode()
    rows = {r["last_name"]: r for r in csv.DictReader(io.StringIO(content))}
    assert rows["Callme"]["phone"] == "0121 496 0000"
    assert rows["Callme"]["mobile"] == "07700 900000"
    assert rows["Callme"]["asked_not_to_be_phoned"] == ""
    for last in ("Nocalls", "Nocontact"):
        assert rows[last]["phone"] == rows[last]["mobile"] == ""
        assert rows[last]["asked_not_to_be_phoned"] == "yes"
