"""The Telephone Preference Service: numbers on the CLP's list are not handed to
callers nor exported for phoning, unless the person said yes to calls."""

import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.models import CallList, CallListEntry
from campaigns.services import call_list_build, calls_reserve
from partyhub.audit.models import AuditEntry
from partyhub.comms.consent import consent_record
from partyhub.comms.models import Channel, Method, Segment
from partyhub.dataprotection.models import TpsNumber, TpsUpload
from partyhub.dataprotection.tps import (
    TpsFileError,
    normalise_phone,
    tps_list_upload,
)
from tests import factories

TPS_FILE = b"Telephone Number\r\n01214960001\r\n\r\n1214960002\r\nnot a number 12\r\n"


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("0121 496 0001", "+441214960001"),
        ("+44 (0)121 496 0001", "+441214960001"),
        ("0044 121 496 0001", "+441214960001"),
        ("441214960001", "+441214960001"),
        ("1214960001", "+441214960001"),
        ("07700 900123", "+447700900123"),
        ("+33 1 23 45 67 89", "+33123456789"),
        ("12", None),
        ("", None),
    ],
)
def test_numbers_are_compared_in_e164(typed, e164):
    assert normalise_phone(typed) == e164


def _phoned_person(clp, phone, **kwargs):
    return factories.PersonFactory(constituency=clp, phone=phone, **kwargs)


@pytest.fixture
def call_list(clp_a):
    segment = Segment.objects.create(constituency=clp_a, name="All", criteria={})
    return CallList.objects.create(
        constituency=clp_a,
        name="Library",
        segment=segment,
        status=CallList.Status.OPEN,
    )


def test_upload_replaces_the_list_and_reports_lines_it_could_not_read(clp_a, officer_a):
    TpsNumber.objects.create(constituency=clp_a, number="+441214969999")
    upload = tps_list_upload(
        constituency=clp_a, data=TPS_FILE, file_name="tps.txt", actor=officer_a
    )
    assert set(
        TpsNumber.objects.filter(constituency=clp_a).values_list("number", flat=True)
    ) == {"+441214960001", "+441214960002"}
    assert (upload.numbers, upload.rejected) == (2, 1)
    entry = AuditEntry.objects.get(action="tps.upload")
    assert entry.row_count == 2 and entry.detail["rejected_lines"] == [5]


def test_zipped_file_as_the_tps_supplies_it(clp_a, officer_a):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("tps.txt", TPS_FILE)
    upload = tps_list_upload(
        constituency=clp_a, data=buffer.getvalue(), file_name="t.zip", actor=officer_a
    )
    assert upload.numbers == 2


def test_a_file_without_numbers_changes_nothing(clp_a, officer_a):
    TpsNumber.objects.create(constituency=clp_a, number="+441214969999")
    with pytest.raises(TpsFileError):
        tps_list_upload(
            constituency=clp_a, data=b"name,email\nAnn,a@x\n", file_name="x", actor=None
        )
    assert list(TpsNumber.objects.values_list("number", flat=True)) == ["+441214969999"]
    assert not TpsUpload.objects.exists()


def test_phone_bank_skips_tps_numbers_unless_the_person_said_yes_to_calls(
    clp_a, clp_b, call_list, officer_a
):
    listed = _phoned_person(clp_a, "0121 496 0001")
    said_yes = _phoned_person(clp_a, "0121 496 0002")
    consent_record(
        person=said_yes, channel=Channel.PHONE, granted=True, method=Method.SIGNUP_FORM
    )
    other_number = _phoned_person(clp_a, "0121 496 0003", mobile="07700 900004")
    free = _phoned_person(clp_a, "0121 496 0005")
    tps_list_upload(
        constituency=clp_a,
        data=b"01214960001\n01214960002\n07700900004\n",
        file_name="tps.txt",
        actor=officer_a,
    )
    # Another CLP's list is that CLP's business.
    TpsNumber.objects.create(constituency=clp_b, number="+441214960005")

    call_list_build(call_list=call_list, actor=officer_a)

    entries = dict(
        CallListEntry.objects.filter(call_list=call_list).values_list(
            "person_id", "phone"
        )
    )
    assert listed.pk not in entries
    assert entries[said_yes.pk] == "0121 496 0002"
    assert entries[other_number.pk] == "0121 496 0003"  # the mobile is on the TPS
    assert entries[free.pk] == "0121 496 0005"


def test_upload_takes_numbers_off_open_lists_and_callers_never_get_them(
    clp_a, call_list, officer_a
):
    on_list = _phoned_person(clp_a, "0121 496 0001")
    later = _phoned_person(clp_a, "0121 496 0002")
    free = _phoned_person(clp_a, "0121 496 0003")
    call_list_build(call_list=call_list, actor=officer_a)
    assert call_list.entries.count() == 3

    upload = tps_list_upload(
        constituency=clp_a, data=b"01214960001\n", file_name="tps", actor=officer_a
    )
    assert upload.removed_from_call_lists == 1
    assert not call_list.entries.filter(person=on_list).exists()

    # A number that reached the list some other way is still not handed out.
    TpsNumber.objects.create(constituency=clp_a, number="+441214960002")
    caller = factories.member_user(clp_a)
    given = calls_reserve(call_list=call_list, caller=caller)
    assert [e.person_id for e in given] == [free.pk]
    assert not call_list.entries.filter(person=later).exists()


def _export(client, url, action, ids):
    response = client.post(url, {"action": action, "_selected_action": ids})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    return {r["last_name"]: r for r in csv.DictReader(io.StringIO(body))}


def test_people_export_leaves_out_tps_numbers_and_says_why(client, clp_a, officer_a):
    listed = _phoned_person(clp_a, "0121 496 0001", last_name="Listed", mobile="")
    said_yes = _phoned_person(clp_a, "0121 496 0002", last_name="Yes")
    consent_record(
        person=said_yes, channel=Channel.PHONE, granted=True, method=Method.OFFICER
    )
    free = _phoned_person(clp_a, "0121 496 0003", last_name="Free")
    TpsNumber.objects.bulk_create(
        TpsNumber(constituency=clp_a, number=n)
        for n in ("+441214960001", "+441214960002")
    )
    client.force_login(officer_a)
    rows = _export(
        client,
        reverse("admin:members_person_changelist"),
        "export_csv",
        [listed.pk, said_yes.pk, free.pk],
    )
    assert rows["Listed"]["phone"] == ""
    assert rows["Listed"]["tps"] == "on the TPS list: not to be called"
    assert rows["Yes"]["phone"] == "0121 496 0002" and rows["Yes"]["tps"] == ""
    assert rows["Free"]["phone"] == "0121 496 0003"


def test_renewal_desk_phone_list_leaves_out_tps_numbers(client, clp_a, officer_a):
    person = _phoned_person(clp_a, "0121 496 0001", last_name="Listed", mobile="")
    membership = factories.MembershipFactory(
        person=person, constituency=clp_a, status="arrears"
    )
    TpsNumber.objects.create(constituency=clp_a, number="+441214960001")
    client.force_login(officer_a)
    rows = _export(
        client,
        reverse("admin:members_deskmembership_changelist") + "?list=arrears",
        "export_for_phoning",
        [membership.pk],
    )
    assert rows["Listed"]["phone"] == ""
    assert rows["Listed"]["tps"] == "on the TPS list: not to be called"


def test_officer_uploads_for_their_own_constituency_only(
    client, clp_a, clp_b, officer_a
):
    client.force_login(officer_a)
    url = reverse("admin:dataprotection_tpsupload_add")
    response = client.post(
        url,
        {
            "constituency": clp_b.pk,
            "file": SimpleUploadedFile("tps.txt", b"01214960001\n"),
        },
    )
    assert response.status_code == 200
    assert "That choice is not on the list" in response.content.decode()
    assert not TpsNumber.objects.exists()

    response = client.post(
        url,
        {
            "constituency": clp_a.pk,
            "file": SimpleUploadedFile("tps.txt", b"Hello\nworld\n"),
        },
    )
    assert "No telephone numbers were found" in response.content.decode()
    assert not TpsNumber.objects.exists()

    response = client.post(
        url,
        {
            "constituency": clp_a.pk,
            "file": SimpleUploadedFile("tps.txt", b"01214960001\n"),
        },
    )
    assert response.status_code == 302
    assert list(TpsNumber.objects.values_list("constituency_id", "number")) == [
        (clp_a.pk, "+441214960001")
    ]


def test_tps_upload_is_closed_to_others(client, clp_a, member_a):
    url = reverse("admin:dataprotection_tpsupload_add")
    assert client.get(url).status_code == 302  # anonymous: to the login page
    social = factories.officer(clp_a, role="social_secretary")
    client.force_login(social)
    assert client.get(url).status_code == 403
    client.force_login(member_a)
    assert client.get(url).status_code == 302
    no_2fa = factories.officer(clp_a, two_factor=False)
    client.force_login(no_2fa)
    response = client.get(url)
    assert response.status_code == 302 and "upload" not in response.url


def test_person_page_says_when_a_number_is_on_the_tps(client, clp_a, officer_a):
    person = _phoned_person(clp_a, "0121 496 0001", mobile="07700 900002")
    TpsNumber.objects.create(constituency=clp_a, number="+441214960001")
    client.force_login(officer_a)
    page = client.get(reverse("admin:members_person_change", args=[person.pk]))
    assert "On the TPS list, do not ring: 0121 496 0001" in page.text
    consent_record(
        person=person, channel=Channel.PHONE, granted=True, method=Method.OFFICER
    )
    page = client.get(reverse("admin:members_person_change", args=[person.pk]))
    assert "On the TPS list, do not ring" not in page.text
