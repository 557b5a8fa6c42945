"""Subject access (issue 14, item 2) and the request log: a request made by letter
is logged with its one-month deadline, the person and the officers are told, the
deadline is reminded once, and the export comes from the register, whole."""

from __future__ import annotations

import datetime
import io
import json
import zipfile

from django.urls import reverse
from django.utils import timezone

from partyhub.audit.models import AuditEntry
from partyhub.comms.models import BouncedAddress
from partyhub.personal_data import registered_models, services
from partyhub.personal_data.models import DataRequest, add_months
from partyhub.personal_data.selectors import open_data_requests
from tests import factories
from tests.helpers import send_all_mail
from tests.personal_data.conftest import EMAIL, rich_person


def test_one_month_is_a_calendar_month_or_the_months_last_day():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 3, 15), 1) == datetime.date(2026, 4, 15)
    assert add_months(datetime.date(2026, 12, 3), 1) == datetime.date(2027, 1, 3)


def test_an_officer_logs_a_request_made_by_letter(
    client, clp_a, officer_a, zebedee, mailoutbox
):
    BouncedAddress.objects.all().delete()  # the fixture's bounce would stop the mail
    client.force_login(officer_a)
    response = client.post(
        reverse("admin:personal_data_datarequest_add"),
        {
            "kind": "access",
            "person": zebedee.pk,
            "received_on": "2026-01-31",
            "received_how": "letter",
            "reason": "Letter asking for everything",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    request = DataRequest.objects.get()
    assert request.deadline == datetime.date(2026, 2, 28)
    assert request.constituency == clp_a
    assert AuditEntry.objects.filter(action="person.access_requested").count() == 1
    send_all_mail()
    to = sorted(address for m in mailoutbox for address in m.to)
    assert to == sorted([EMAIL, officer_a.email])
    officer_mail = next(m for m in mailoutbox if m.to == [officer_a.email])
    assert "28/02/2026" in officer_mail.body


def test_a_request_cannot_arrive_in_the_future(client, officer_a, zebedee):
    client.force_login(officer_a)
    tomorrow = timezone.localdate() + datetime.timedelta(days=2)
    page = client.post(
        reverse("admin:personal_data_datarequest_add"),
        {"kind": "access", "person": zebedee.pk, "received_on": tomorrow.isoformat(),
         "received_how": "phone"},
    )  # fmt: skip
    assert page.status_code == 200
    assert "A request cannot arrive in the future." in page.content.decode()
    assert not DataRequest.objects.exists()


def test_extending_needs_a_reason_shown_next_to_the_field(client, officer_a, zebedee):
    request = services.data_request_create(
        person=zebedee, kind="access", actor=officer_a
    )
    url = reverse("admin:personal_data_datarequest_change", args=[request.pk])
    client.force_login(officer_a)
    later = request.deadline + datetime.timedelta(days=20)
    form = {"status": "open", "notes": "", "extended_to": later.isoformat()}
    page = client.post(url, {**form, "extension_reason": ""})
    assert "Say why the request needs longer." in page.content.decode()
    request.refresh_from_db()
    assert request.extended_to is None
    client.post(url, {**form, "extension_reason": "Many years of records"})
    request.refresh_from_db()
    assert request.extended_to == later and request.due_by == later
    assert AuditEntry.objects.filter(action="person.data_request_extended").exists()


def test_the_deadline_is_shown_and_reminded_once(
    client, clp_a, clp_b, officer_a, officer_b, zebedee, mailoutbox
):
    other = rich_person(clp_b, officer_b, first="Odile", last="Elsewhere",
                        email="odile@example.net", phone="07700 900999", tag="b")  # fmt: skip
    mine = services.data_request_create(person=zebedee, kind="erasure", actor=None)
    theirs = services.data_request_create(person=other, kind="access", actor=None)
    send_all_mail()
    mailoutbox.clear()
    assert list(open_data_requests([clp_a.pk])) == [mine]
    assert list(open_data_requests(None)) == sorted([mine, theirs], key=lambda r: r.pk)
    client.force_login(officer_a)
    page = client.get(reverse("admin:personal_data_datarequest_changelist"))
    assert (
        mine.deadline.strftime("%b") in page.content.decode()
        or str(mine.deadline.day) in page.content.decode()
    )
    assert "Elsewhere" not in page.content.decode()

    early = mine.deadline - datetime.timedelta(days=10)
    assert services.data_requests_remind(today=early) == 0
    day = mine.deadline - datetime.timedelta(days=7)
    assert services.data_requests_remind(today=day) == 2
    assert services.data_requests_remind(today=day) == 0  # idempotent
    send_all_mail()
    reminded = sorted(address for m in mailoutbox for address in m.to)
    assert reminded == sorted([officer_a.email, officer_b.email])
    assert all("Due by" in m.subject for m in mailoutbox)


def test_officers_export_everything_we_hold(client, officer_a, officer_b, zebedee):
    request = services.data_request_create(person=zebedee, kind="access", actor=None)
    client.force_login(officer_a)
    response = client.post(
        reverse("admin:personal_data_datarequest_changelist"),
        {"action": "export_everything", "_selected_action": [request.pk]},
    )
    assert response["Content-Type"] == "application/zip"
    data = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("data.json"))[
        "sections"
    ]
    # The officers' notes: on the record, the renewal desk's log, the candidacy.
    assert "prefers evenings" in data["person"][0]["officers_notes"]
    assert "Rang Zebedee" in data["contact_log"][0]["officers_note"]
    assert "would be good" in data["candidacies"][0]["officers_notes"]
    entry = AuditEntry.objects.get(action="person.data_export")
    assert entry.actor == officer_a and entry.detail["how"] == "officer"
    client.force_login(officer_b)
    export = reverse("admin:personal_data_datarequest_export", args=[request.pk])
    assert client.get(export).status_code == 404


def test_the_portal_export_holds_every_registered_model(client, zebedee):
    held = {
        entry.section: entry.own_queryset(zebedee).count()
        for entry in registered_models()
        if entry.exported
    }
    apps_held = {
        entry.label.split(".")[0]
        for entry in registered_models()
        if entry.own_queryset(zebedee).exists()
    }
    client.force_login(zebedee.user)
    response = client.post(reverse("portal:data_download"))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("data.json"))["sections"]
    missing = [
        (section, rows)
        for section, rows in held.items()
        if rows and len(data.get(section, [])) != rows
    ]
    assert missing == []
    # A person with records in every app: each app's models are in the export.
    for app in ("members", "supporters", "campaigns", "events", "networks", "comms"):
        assert app in apps_held
    for section in ("audit", "login", "consents", "event_bookings", "network_posts"):
        assert data[section]
        assert f"{section}.csv" in archive.namelist()


def test_a_member_without_an_office_cannot_reach_the_requests(client, clp_a, zebedee):
    request = services.data_request_create(person=zebedee, kind="access", actor=None)
    client.force_login(factories.member_user(clp_a))
    url = reverse("admin:personal_data_datarequest_change", args=[request.pk])
    assert client.get(url).status_code in (302, 403)


def test_a_portal_erasure_request_is_confirmed_to_the_member_and_told_to_officers(
    client, clp_a, clp_b, member_a, officer_a, officer_b, mailoutbox
):
    """Issue 16, item 6: the member hears it arrived; the officers responsible of
    their constituency (and nobody else) are told to act."""
    from tests.helpers import grant_email

    membership_secretary = factories.officer(clp_a, role="membership_secretary")
    treasurer = factories.officer(clp_a, role="treasurer")
    grant_email(member_a.person)
    client.force_login(member_a)
    client.post(reverse("portal:erasure"), {"reason": ""})
    send_all_mail()
    to = sorted(address for m in mailoutbox for address in m.to)
    assert to == sorted([member_a.email, officer_a.email, membership_secretary.email])
    assert treasurer.email not in to and officer_b.email not in to
    mine = next(m for m in mailoutbox if m.to == [member_a.email])
    assert "We have your request" in mine.subject
    due = DataRequest.objects.get().deadline.strftime("%d/%m/%Y")
    assert due in mine.body


def test_an_officer_cannot_log_a_request_for_another_clps_person(
    client, officer_b, zebedee
):
    client.force_login(officer_b)
    page = client.post(
        reverse("admin:personal_data_datarequest_add"),
        {"kind": "erasure", "person": zebedee.pk, "received_on": "2026-01-05",
         "received_how": "email"},
    )  # fmt: skip
    assert page.status_code == 200
    assert not DataRequest.objects.exists()
