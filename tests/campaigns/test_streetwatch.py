"""Street watch: a report reaches the councillors of its own ward, exactly once,
and nobody else's; the reporter hears of each change; photos are checked, cleaned
and never public; officers see the record of action per ward, scoped."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from campaigns.models import StreetReport
from campaigns.services import (
    street_report_create,
    street_report_forward,
    street_report_personaliser,
    street_report_url,
)
from members.models import ElectedRepresentative, Postcode
from partyhub.audit.models import AuditEntry
from partyhub.comms import sending
from partyhub.links import make_token, read_token
from tests import factories


def _tick():
    sending.reminders_queue_due()
    while ids := sending.deliveries_claim():
        sending.deliveries_send(ids=ids)


def _png(size=(40, 30), fmt="PNG") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, "red").save(out, format=fmt)
    name = "IMG_0001." + ("jpg" if fmt == "JPEG" else fmt.lower())
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def wards(clp_a, clp_b):
    washwood = factories.WardFactory(constituency=clp_a, name="Washwood Heath")
    hodge = factories.WardFactory(constituency=clp_a, name="Hodge Hill ward")
    tilehurst = factories.WardFactory(constituency=clp_b, name="Tilehurst")
    Postcode.objects.create(postcode="B8 1AA", ward=washwood, constituency=clp_a)
    Postcode.objects.create(postcode="B36 8AA", ward=hodge, constituency=clp_a)
    Postcode.objects.create(postcode="RG30 4AB", ward=tilehurst, constituency=clp_b)
    return {"washwood": washwood, "hodge": hodge, "tilehurst": tilehurst}


def _councillor(clp, ward, email):
    person = factories.PersonFactory(constituency=clp, email=email)
    rep = ElectedRepresentative.objects.create(
        person=person, role=ElectedRepresentative.Role.WARD_COUNCILLOR, constituency=clp
    )
    rep.wards.set([ward])
    return person


@pytest.fixture
def councillors(clp_a, clp_b, wards):
    return {
        "washwood": _councillor(clp_a, wards["washwood"], "cllr.washwood@example.org"),
        "hodge": _councillor(clp_a, wards["hodge"], "cllr.hodge@example.org"),
        "tilehurst": _councillor(clp_b, wards["tilehurst"], "cllr.tile@example.org"),
    }


def _form(**extra):
    return {
        "category": "rubbish",
        "description": "Mattresses dumped behind the shops.",
        "location": "Back of Washwood Heath Road parade",
        "postcode": "b8 1aa",
        **extra,
    }


def test_report_reaches_its_wards_councillor_once_and_no_other(
    client, member_a, councillors, mailoutbox
):
    client.force_login(member_a)
    response = client.post(
        reverse("campaigns:street_reports"), _form(photo=_png()), follow=True
    )
    assert "we have your report" in response.text
    report = StreetReport.objects.get()
    assert report.ward.name == "Washwood Heath"
    assert report.status == StreetReport.Status.FORWARDED
    _tick()
    street_report_forward(report=report, actor=None)  # an officer presses it again
    _tick()

    to_councillors = [m for m in mailoutbox if m.to[0].startswith("cllr.")]
    assert [m.to for m in to_councillors] == [["cllr.washwood@example.org"]]
    assert "Mattresses dumped behind the shops." in to_councillors[0].body
    assert "Washwood Heath" in to_councillors[0].subject
    to_reporter = [m for m in mailoutbox if m.to == [member_a.email]]
    assert len(to_reporter) == 1
    assert "passed it to your ward councillor" in to_reporter[0].body

    # The councillor's photo link works for that report; the photo is no public file.
    photo_path = re.search(r"/campaigns/report-photo/\S+/", to_councillors[0].body)
    photo = client.get(photo_path.group(0))
    assert photo.status_code == 200
    assert b"".join(photo.streaming_content).startswith(b"\x89PNG")
    for close in photo._resource_closers:  # what response.close() would do,
        close()  # without closing the test's database connection
    assert photo["Cache-Control"] == "private, no-store"
    assert client.get(photo_path.group(0)[:-5] + "x/").status_code == 404
    assert "IMG_0001" not in report.photo.name


def test_photo_is_saved_without_its_metadata(member_a, wards):
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # any tag stands in for the GPS block
    Image.new("RGB", (50, 40), "blue").save(out, format="JPEG", exif=exif)
    upload = SimpleUploadedFile("home.jpg", out.getvalue(), content_type="image/jpeg")
    report = street_report_create(
        reporter=member_a.person,
        category="broken_light",
        description="Out for a week",
        location="Bamville Road",
        postcode="B8 1AA",
        photo=upload,
    )
    with Image.open(report.photo.path) as saved:
        assert saved.format == "JPEG"
        assert not saved.getexif()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("x.jpg", b"not an image", "image/jpeg"), "not a photo"),
        (_png(fmt="GIF"), "JPEG, PNG or WebP"),
    ],
)
def test_bad_photo_is_refused_next_to_the_field(
    client, member_a, wards, upload, message
):
    client.force_login(member_a)
    response = client.post(reverse("campaigns:street_reports"), _form(photo=upload))
    assert response.status_code == 200
    assert message in response.text
    assert not StreetReport.objects.exists()


def test_too_large_photo_is_refused(client, member_a, wards, settings):
    settings.CAMPAIGNS_STREET_PHOTO_MAX_BYTES = 10
    client.force_login(member_a)
    response = client.post(reverse("campaigns:street_reports"), _form(photo=_png()))
    assert "too large" in response.text
    assert not StreetReport.objects.exists()


def test_supporter_reports_from_their_link_without_logging_in(
    client, clp_a, councillors, mailoutbox
):
    supporter = factories.PersonFactory(constituency=clp_a, email="sam@example.org")
    path = street_report_url(person_id=supporter.pk).split("://", 1)[1]
    path = path[path.index("/") :]
    assert client.get(path).status_code == 200
    client.post(path, _form(postcode="B36 8AA", category="abandoned_car"))
    report = StreetReport.objects.get()
    assert report.reporter == supporter and report.ward.name == "Hodge Hill ward"
    _tick()
    assert sorted(m.to[0] for m in mailoutbox) == [
        "cllr.hodge@example.org",
        "sam@example.org",
    ]


def test_report_link_expired_or_for_something_else_does_nothing(
    client, clp_a, wards, settings
):
    supporter = factories.PersonFactory(constituency=clp_a)
    other_purpose = make_token("campaigns-team-signup", supporter.pk)
    url = reverse("campaigns:street_report_link", args=[other_purpose])
    assert client.post(url, _form()).status_code == 400
    token = make_token("campaigns-street-report", supporter.pk)
    settings.CAMPAIGNS_STREET_REPORT_LINK_MAX_AGE_SECONDS = -1
    url = reverse("campaigns:street_report_link", args=[token])
    assert client.post(url, _form()).status_code == 410
    assert not StreetReport.objects.exists()


def test_unknown_postcode_waits_for_an_officer_to_place_it(
    client, member_a, officer_a, councillors, wards, mailoutbox
):
    client.force_login(member_a)
    client.post(reverse("campaigns:street_reports"), _form(postcode="B99 9ZZ"))
    report = StreetReport.objects.get()
    assert report.ward is None and report.status == StreetReport.Status.REPORTED
    assert report.constituency == member_a.person.constituency
    _tick()
    assert mailoutbox == []

    report.ward = wards["hodge"]
    report.save()
    client.force_login(officer_a)
    client.post(
        reverse("admin:campaigns_streetreport_changelist"),
        {"action": "forward", "_selected_action": [report.pk]},
    )
    _tick()
    assert sorted(m.to[0] for m in mailoutbox) == [
        "cllr.hodge@example.org",
        member_a.email,
    ]


def test_placing_a_report_in_a_ward_puts_it_in_that_wards_constituency(
    client, member_a, clp_a, clp_b, councillors, wards, mailoutbox
):
    """An officer of two CLPs places a report the postcode could not: it belongs
    to the ward's constituency, and goes to that ward's councillor only."""
    officer = factories.officer(clp_a)
    factories.OfficeFactory(person=officer.person, constituency=clp_b)
    client.force_login(member_a)
    client.post(reverse("campaigns:street_reports"), _form(postcode="B99 9ZZ"))
    report = StreetReport.objects.get()
    assert report.constituency == clp_a

    client.force_login(officer)
    url = reverse("admin:campaigns_streetreport_change", args=[report.pk])
    response = client.post(
        url, {"ward": wards["tilehurst"].pk, "action_taken": "", "_save": "1"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.ward, report.constituency) == (wards["tilehurst"], clp_b)
    client.post(
        reverse("admin:campaigns_streetreport_changelist"),
        {"action": "forward", "_selected_action": [report.pk]},
    )
    _tick()
    assert [m.to[0] for m in mailoutbox if m.to[0].startswith("cllr.")] == [
        "cllr.tile@example.org"
    ]


def test_deleting_a_report_before_its_emails_go_sends_nothing_and_breaks_nothing(
    client, member_a, officer_a, councillors, mailoutbox
):
    report = street_report_create(
        reporter=member_a.person,
        category="rubbish",
        description="Bags",
        location="Alley",
        postcode="B8 1AA",
    )
    client.force_login(officer_a)
    response = client.post(
        reverse("admin:campaigns_streetreport_changelist"),
        {"action": "delete_selected", "_selected_action": [report.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not StreetReport.objects.exists()
    _tick()
    assert mailoutbox == []


def test_resolving_tells_the_reporter(
    client, member_a, officer_a, councillors, mailoutbox
):
    report = street_report_create(
        reporter=member_a.person,
        category="anti_social",
        description="Fireworks at night",
        location="The park",
        postcode="B8 1AA",
    )
    report.action_taken = "Police patrols added on Friday nights."
    report.save()
    client.force_login(officer_a)
    for _ in range(2):
        client.post(
            reverse("admin:campaigns_streetreport_changelist"),
            {"action": "resolve", "_selected_action": [report.pk]},
        )
    _tick()
    report.refresh_from_db()
    assert report.status == StreetReport.Status.RESOLVED
    to_reporter = [m for m in mailoutbox if m.to == [member_a.email]]
    assert len(to_reporter) == 2  # forwarded, then resolved — once each
    assert "Police patrols added on Friday nights." in to_reporter[1].body
    assert AuditEntry.objects.filter(action="street_report.resolve").count() == 1


def test_action_per_ward_is_scoped(client, officer_a, officer_b, member_a, councillors):
    reporter_b = factories.PersonFactory(constituency=officer_b.person.constituency)
    street_report_create(
        reporter=member_a.person,
        category="rubbish",
        description="Bags",
        location="Alley",
        postcode="B8 1AA",
    )
    street_report_create(
        reporter=reporter_b,
        category="rubbish",
        description="Sofa",
        location="Oxford Road",
        postcode="RG30 4AB",
    )
    client.force_login(officer_a)
    page = client.get(reverse("admin:campaigns_streetreport_by_ward"))
    assert "Washwood Heath" in page.text and "Tilehurst" not in page.text
    listing = client.get(reverse("admin:campaigns_streetreport_changelist"))
    assert "Alley" in listing.text and "Oxford Road" not in listing.text
    other = StreetReport.objects.get(location="Oxford Road")
    url = reverse("admin:campaigns_streetreport_change", args=[other.pk])
    assert client.get(url).status_code == 404


def test_street_report_list_has_no_n_plus_1(client, officer_a, member_a, wards):
    def add(n):
        for i in range(n):
            street_report_create(
                reporter=member_a.person,
                category="rubbish",
                description="Bags",
                location=f"Alley {i}",
                postcode="B36 8AA" if i % 2 else "B8 1AA",
            )

    add(2)
    client.force_login(officer_a)
    url = reverse("admin:campaigns_streetreport_changelist")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(5)
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(few)


def test_newsletter_placeholder_becomes_each_readers_own_link(clp_a):
    from partyhub.comms.models import Message

    message = Message(body="Seen a problem? Tell us: %%STREET_REPORT_URL%%")
    links = street_report_personaliser(message)
    url = links(41)["%%STREET_REPORT_URL%%"]
    assert "/campaigns/report/" in url
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert street_report_personaliser(Message(body="No link here")) is None
    assert read_token(token, "campaigns-street-report", max_age=60)["p"] == 41


def test_a_link_typed_into_a_report_is_no_link_in_the_councillors_email(
    client, member_a, councillors, mailoutbox
):
    client.force_login(member_a)
    sneaky = (
        "Rubbish here. [Log in to confirm](https://evil.example/a) "
        '<a href="https://evil.example/b">more</a>'
    )
    client.post(reverse("campaigns:street_reports"), _form(description=sneaky))
    _tick()
    (to_councillor,) = [m for m in mailoutbox if m.to[0].startswith("cllr.")]
    html = to_councillor.alternatives[0][0]
    assert "evil.example" in html  # the words are passed on as they were typed…
    assert '<a href="https://evil.example' not in html  # …but as text, not links
    assert "Log in to confirm](https://evil.example/a)" in to_councillor.body


def _png_claiming(width: int, height: int) -> SimpleUploadedFile:
    """A tiny PNG whose header claims width × height pixels: what a decompression
    bomb looks like before it is decoded (its data here is a few zero bytes)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )
    return SimpleUploadedFile("bomb.png", data, "image/png")


@pytest.mark.parametrize("side", [7_000, 12_000, 40_000])
def test_a_photo_claiming_too_many_pixels_is_refused_before_decoding(
    client, member_a, wards, side, monkeypatch
):
    """7,000² is under Pillow's own limit, 12,000² sets off its warning and
    40,000² its error: each is a clear message next to the field, never a 500,
    and nothing is decoded."""
    from PIL import ImageFile

    def no_decoding(self):
        raise AssertionError("decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    client.force_login(member_a)
    response = client.post(
        reverse("campaigns:street_reports"), _form(photo=_png_claiming(side, side))
    )
    assert response.status_code == 200
    assert "too many pixels: at most 40 megapixels" in response.text
    assert not StreetReport.objects.exists()


def test_the_hourly_allowance_is_counted_before_any_photo_is_read(
    client, member_a, wards, settings, monkeypatch
):
    from campaigns import forms as campaign_forms

    settings.CAMPAIGNS_STREET_REPORTS_PER_PERSON_PER_HOUR = 1
    client.force_login(member_a)
    client.post(reverse("campaigns:street_reports"), _form())
    assert StreetReport.objects.count() == 1

    def no_reading(upload):
        raise AssertionError("the photo was read")

    monkeypatch.setattr(campaign_forms, "street_photo_clean", no_reading)
    response = client.post(
        reverse("campaigns:street_reports"), _form(photo=_png()), follow=True
    )
    assert response.status_code == 200
    assert "a lot of reports this hour" in response.text
    assert StreetReport.objects.count() == 1
