"""My data: the download holds everything about me and nothing about anyone else;
an erasure request reaches the membership secretary of my constituency only."""

import csv
import io
import json
import zipfile

import pytest
from django.urls import reverse

from members.portal import services
from partyhub.audit.models import AuditEntry
from partyhub.comms import sending
from partyhub.comms.consent import consent_record
from partyhub.comms.models import Channel, Delivery, Message, Method, Segment
from partyhub.comms.services import message_schedule
from partyhub.personal_data.models import DataRequest
from partyhub.personal_data.services import DataRequestError
from supporters.models import Ask, AskReply, HelpOffer, Supporter
from tests import factories
from tests.helpers import grant_email


@pytest.fixture
def everything(
    clp_a, member_a, member_b, officer_a, django_capture_on_commit_callbacks
):
    """member_a and member_b with the same kinds of records, side by side."""
    from members.models import Membership

    officer_a.person.first_name, officer_a.person.last_name = "Olwen", "Officerton"
    officer_a.person.save()
    me, them = member_a.person, member_b.person
    poster = HelpOffer.objects.create(
        constituency=clp_a, slug="portal-poster", label="Display a poster"
    )
    for person in (me, them):
        grant_email(person)
        consent_record(
            person=person,
            channel=Channel.PHONE,
            granted=True,
            method=Method.OFFICER_PHONE,
            wording="Can we phone you?",
            actor=officer_a,
        )
        supporter = Supporter.objects.create(
            person=person, constituency=clp_a, status=Supporter.Status.CONFIRMED
        )
        supporter.offers.add(poster)
    ask = Ask.objects.create(
        constituency=clp_a, offer=poster, subject="Poster sites", body="Please."
    )
    AskReply.objects.create(ask=ask, person=me, answer=AskReply.Answer.YES)
    AskReply.objects.create(ask=ask, person=them, answer=AskReply.Answer.NO)
    factories.OfficeFactory(person=me, role="treasurer", constituency=clp_a)
    segment = Segment.objects.create(
        constituency=clp_a,
        name="Members",
        criteria={"member_status": [Membership.Status.CURRENT]},
    )
    message = Message.objects.create(
        constituency=clp_a, segment=segment, subject="Quiz night", body="Come."
    )
    with django_capture_on_commit_callbacks(execute=False):
        message_schedule(message=message, actor=officer_a)
    sending.message_dispatch(message_id=message.pk)
    while ids := sending.deliveries_claim():
        sending.deliveries_send(ids=ids)
    assert Delivery.objects.filter(person=me, status=Delivery.Status.SENT).exists()
    return me, them


def _download(client, user) -> bytes:
    client.force_login(user)
    response = client.post(reverse("portal:data_download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    return response.content


def test_download_holds_my_records(client, member_a, everything):
    me, _them = everything
    archive = zipfile.ZipFile(io.BytesIO(_download(client, member_a)))
    names = set(archive.namelist())
    for section in (
        "person",
        "memberships",
        "offices",
        "consents",
        "supporter",
        "ask_replies",
        "deliveries",
        "audit",
    ):
        assert f"{section}.csv" in names
    data = json.loads(archive.read("data.json"))["sections"]
    assert data["person"][0]["email"] == me.email
    assert [m["membership_number"] for m in data["memberships"]] == [
        me.memberships.get().membership_number
    ]
    assert data["offices"][0]["role"] == "Treasurer"
    assert {c["channel"] for c in data["consents"]} == {"Email", "Phone"}
    phone = next(c for c in data["consents"] if c["channel"] == "Phone")
    assert phone["wording_shown"] == "Can we phone you?"
    assert phone["recorded_by"] == "an officer"
    assert data["supporter"][0]["help_offered"] == "Display a poster"
    assert data["ask_replies"] == [
        {
            "ask": "Poster sites",
            "answer": "Yes, I can",
            "at": data["ask_replies"][0]["at"],
        }
    ]
    assert [d["subject"] for d in data["deliveries"]] == ["Quiz night"]
    rows = list(csv.DictReader(io.StringIO(archive.read("memberships.csv").decode())))
    assert rows[0]["membership_number"] == me.memberships.get().membership_number


def test_download_holds_nobody_elses_data(client, member_a, officer_a, everything):
    _me, them = everything
    content = _download(client, member_a)
    archive = zipfile.ZipFile(io.BytesIO(content))
    text = b"".join(archive.read(name) for name in archive.namelist())
    for secret in (
        them.first_name,
        them.last_name,
        them.email,
        them.memberships.get().membership_number,
        "Officerton",
        "Olwen",
        officer_a.email,
    ):
        assert secret.encode() not in text, secret
        assert secret.encode() not in content, secret


def test_download_is_audited(client, member_a):
    _download(client, member_a)
    entry = AuditEntry.objects.get(action="person.data_export")
    assert entry.actor == member_a
    assert entry.object_id == str(member_a.person.pk)


def test_download_needs_a_post(client, member_a):
    client.force_login(member_a)
    assert client.get(reverse("portal:data_download")).status_code == 405


def test_a_large_export_is_built_in_the_background_and_emailed(
    client, member_a, monkeypatch, settings, tmp_path, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(services, "EXPORT_SYNC_MAX_ROWS", 0)
    client.force_login(member_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:data_download"))
    assert response.status_code == 302
    # Run the task as the worker would.
    from members.tasks import build_data_export

    token = build_data_export.apply(args=[member_a.person.pk]).get()
    assert len(mailoutbox) >= 1
    assert reverse("portal:data_file", args=[token]) in mailoutbox[-1].body
    # The file is private: not under a served URL, only through the checked view.
    files = list((tmp_path / "private" / "exports").iterdir())
    assert len(files) >= 1
    response = client.get(reverse("portal:data_file", args=[token]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"PK")
    assert client.get(reverse("portal:data_file", args=["forged"])).status_code == 404
    assert AuditEntry.objects.filter(action="person.data_export_requested").count() == 1


# --- erasure ------------------------------------------------------------------------


def test_asking_for_erasure_creates_an_audited_request(client, member_a):
    client.force_login(member_a)
    response = client.post(reverse("portal:erasure"), {"reason": "Moving abroad"})
    request = DataRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:erasure_detail", args=[request.pk])
    assert request.person == member_a.person
    assert request.constituency == member_a.person.constituency
    assert request.status == DataRequest.Status.OPEN
    assert request.reason == "Moving abroad"
    entry = AuditEntry.objects.get(action="person.erasure_requested")
    assert entry.actor == member_a
    assert entry.constituency_id == member_a.person.constituency_id
    page = client.get(response["Location"]).content.decode()
    client.post(reverse("portal:erasure"), {"reason": "Moving abroad"})
    assert DataRequest.objects.count() == 1
    assert "one month" in client.get(reverse("portal:data")).content.decode()
    assert "Moving abroad" in page


def test_officer_of_the_clp_sees_the_request_and_another_clps_gets_404(
    client, member_a, officer_a, officer_b
):
    # A name no random factory name can collide with.
    member_a.person.last_name = "Quillfeather-Oyelaran"
    member_a.person.save()
    request = services.erasure_request_create(
        person=member_a.person, reason="", actor=member_a
    )
    changelist = reverse("admin:personal_data_datarequest_changelist")
    change = reverse("admin:personal_data_datarequest_change", args=[request.pk])
    client.force_login(officer_a)
    page = client.get(changelist)
    assert page.status_code == 200
    assert member_a.person.last_name in page.content.decode()
    assert client.get(change).status_code == 200

    client.force_login(officer_b)
    page = client.get(changelist)
    assert page.status_code == 200
    assert member_a.person.last_name not in page.content.decode()
    assert client.get(change).status_code == 404


def test_an_erasure_cannot_be_marked_done_by_hand(client, member_a, officer_a):
    """The fault of issue 14: "done" ticked while nothing was erased."""
    request = services.erasure_request_create(
        person=member_a.person, reason="", actor=member_a
    )
    with pytest.raises(DataRequestError):
        services.erasure_request_handle(
            request=request, status=DataRequest.Status.DONE, actor=officer_a
        )
    request.refresh_from_db()
    assert request.status == DataRequest.Status.OPEN


def test_an_officer_refuses_the_request_and_it_is_audited(client, member_a, officer_a):
    request = services.erasure_request_create(
        person=member_a.person, reason="", actor=member_a
    )
    services.erasure_request_handle(
        request=request, status=DataRequest.Status.REFUSED, actor=officer_a
    )
    request.refresh_from_db()
    assert request.handled_by == officer_a
    assert request.handled_at is not None
    entry = AuditEntry.objects.get(action="person.data_request_handled")
    assert entry.detail == {"status": "refused"}


def test_expired_export_files_are_deleted_and_fresh_ones_kept(settings, tmp_path, db):
    import os
    import time

    from members.portal.services import (
        EXPORT_LINK_MAX_AGE,
        data_exports_cleanup,
        export_dir,
    )

    settings.MEDIA_ROOT = str(tmp_path)
    folder = export_dir()
    folder.mkdir(parents=True)
    old, fresh = folder / "1-old.zip", folder / "2-fresh.zip"
    old.write_bytes(b"PK")
    fresh.write_bytes(b"PK")
    week_and_a_bit = time.time() - EXPORT_LINK_MAX_AGE - 60
    os.utime(old, (week_and_a_bit, week_and_a_bit))
    assert data_exports_cleanup() == 1
    assert data_exports_cleanup() == 0
    assert not old.exists() and fresh.exists()
