"""Officers upload the ONS postcode-to-ward file; a boundary change moves people."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import Membership, Person, Postcode
from partyhub.audit.models import AuditEntry
from tests import factories

UPLOAD = reverse("admin:members_postcode_upload")
HEADER = "pcd,pcd2,pcds,dointr,doterm,oslaua,osward,usertype,pcon,lat,long\n"


def ons(*rows: tuple[str, str, str]) -> bytes:
    """ONS layout rows from (postcode as typed, ward code, constituency code)."""
    lines = [
        f"{pc},{pc},{pc},199801,,E08000025,{ward},0,{pcon},52.4,-1.8\n"
        for pc, ward, pcon in rows
    ]
    return (HEADER + "".join(lines)).encode()


def post(client, clp, data):
    return client.post(
        UPLOAD,
        {
            "file": SimpleUploadedFile("onspd.csv", data, "text/csv"),
            "constituency": clp.pk,
        },
    )


def test_upload_normalises_places_and_reports(
    client, clp_a, clp_b, area_a, area_b, officer_a
):
    north = area_a["north"]
    person = factories.PersonFactory(constituency=clp_a, postcode="B8 3DD", ward=None)
    client.force_login(officer_a)
    response = post(
        client,
        clp_a,
        ons(
            ("b83dd", north.ons_code, clp_a.ons_code),
            ("RG30 2AB", "E05990009", clp_b.ons_code),
        ),
    )
    assert response.status_code == 200
    assert "People placed in a ward" in response.text
    assert Postcode.objects.get(postcode="B8 3DD").ward == north
    assert not Postcode.objects.filter(postcode="RG30 2AB").exists()  # CLP B's row
    person.refresh_from_db()
    assert person.ward == north
    assert AuditEntry.objects.filter(
        action="postcode.load", constituency_id=clp_a.pk
    ).exists()


def test_boundary_change_moves_people_and_reports_the_moves(
    client, clp_a, area_a, officer_a
):
    north, south = area_a["north"], area_a["south"]
    movers = [
        factories.PersonFactory(
            constituency=clp_a, postcode="B8 1AA", ward=north, last_name=name
        )
        for name in ("Mover", "Shifter")
    ]
    stayer = factories.PersonFactory(
        constituency=clp_a, postcode="B8 2BB", ward=south, last_name="Stayer"
    )
    membership = factories.MembershipFactory(
        person=movers[0], branch=area_a["north_branch"]
    )
    client.force_login(officer_a)
    # The new edition puts B8 1AA in the South ward.
    response = post(
        client,
        clp_a,
        ons(
            ("B8 1AA", south.ons_code, clp_a.ons_code),
            ("B8 2BB", south.ons_code, clp_a.ons_code),
        ),
    )
    assert response.status_code == 200
    assert "People moved to another ward" in response.text
    assert "Mover" in response.text and "Shifter" in response.text
    assert "Stayer" not in response.text
    for person in movers:
        person.refresh_from_db()
        assert person.ward == south
    membership.refresh_from_db()
    assert membership.branch == area_a["south_branch"]
    entry = AuditEntry.objects.get(action="postcode.load")
    assert entry.detail["people_moved"] == 2
    stayer.refresh_from_db()
    assert stayer.ward == south


def test_officer_b_upload_does_not_touch_clp_a(
    client, clp_a, clp_b, area_a, area_b, officer_b
):
    north, south = area_a["north"], area_a["south"]
    person = factories.PersonFactory(constituency=clp_a, postcode="B8 1AA", ward=north)
    client.force_login(officer_b)
    response = post(
        client,
        clp_b,
        ons(
            ("B8 1AA", south.ons_code, clp_a.ons_code),
            ("RG30 1AA", "E05990009", clp_b.ons_code),
        ),
    )
    assert response.status_code == 200
    assert Postcode.objects.get(postcode="B8 1AA").ward == north
    person.refresh_from_db()
    assert person.ward == north
    # Nor can officer B choose CLP A.
    response = post(client, clp_a, ons(("B8 1AA", south.ons_code, clp_a.ons_code)))
    assert "That choice is not on the list" in response.text
    assert Postcode.objects.get(postcode="B8 1AA").ward == north


def test_bad_postcode_files_change_nothing(client, clp_a, area_a, officer_a):
    north = area_a["north"]
    client.force_login(officer_a)
    before = list(Postcode.objects.values_list("postcode", "ward_id"))
    for data, says in [
        (b"\n\n", "The file is empty."),
        (b"postcode,ward\nB8 1AA,x\n", "No ward or constituency column"),
        (b"PK\x03\x04zip", "zip archive"),
        (HEADER.encode(), "The file has a header but no rows."),
        (ons(("B8 9ZZ", "E05999999", "E14999999")), "No row of the file is for"),
    ]:
        response = post(client, clp_a, data)
        assert says in response.text, says
        assert "Nothing was changed." in response.text
    response = post(client, clp_a, b"")
    assert "The submitted file is empty." in response.text
    assert list(Postcode.objects.values_list("postcode", "ward_id")) == before
    assert Person.objects.filter(ward=north).count() == 0


def test_officer_without_the_right_cannot_upload(client, clp_a, area_a):
    client.force_login(factories.officer(clp_a, role="treasurer"))
    assert client.get(UPLOAD).status_code == 403


def test_postcode_list_links_to_the_upload(client, clp_a, area_a):
    client.force_login(factories.officer(clp_a, role="membership_secretary"))
    page = client.get(reverse("admin:members_postcode_changelist"))
    assert UPLOAD in page.text
    assert Membership.objects.count() == 0


# --- an officer's upload touches only their own CLP's postcodes (issue 13.1) --------


def test_upload_cannot_repoint_another_clps_postcode_to_own_ward(
    client, clp_a, clp_b, area_a, area_b, officer_a
):
    # RG30 1AA is Reading West's; the file claims it for a Hodge Hill ward.
    north = area_a["north"]
    client.force_login(officer_a)
    response = post(
        client,
        clp_a,
        ons(
            ("RG30 1AA", north.ons_code, clp_a.ons_code),
            ("B8 4DD", north.ons_code, clp_a.ons_code),
        ),
    )
    assert response.status_code == 200
    row = Postcode.objects.get(postcode="RG30 1AA")
    assert (row.constituency, row.ward) == (clp_b, area_b["west"])
    assert Postcode.objects.get(postcode="B8 4DD").ward == north
    assert "postcodes (refused)" in response.text
    assert "RG30 1AA" in response.text and "Reading West" in response.text
    entry = AuditEntry.objects.get(action="postcode.load")
    assert entry.detail["refused"] == 1
    assert entry.detail["refused_rows"][0][1:] == ["RG30 1AA", "Reading West"]


def test_upload_refuses_and_lists_new_rows_for_another_clps_ward(
    client, clp_a, clp_b, area_a, area_b, officer_a
):
    client.force_login(officer_a)
    response = post(
        client,
        clp_a,
        ons(
            # Another CLP's ward under this CLP's code, and another CLP's row.
            ("B8 5DD", area_b["west"].ons_code, clp_a.ons_code),
            ("RG30 3DD", area_b["west"].ons_code, clp_b.ons_code),
            ("B8 6EE", area_a["south"].ons_code, clp_a.ons_code),
        ),
    )
    assert not Postcode.objects.filter(postcode__in=["B8 5DD", "RG30 3DD"]).exists()
    assert Postcode.objects.get(postcode="B8 6EE").ward == area_a["south"]
    assert "B8 5DD" in response.text and "RG30 3DD" in response.text
    entry = AuditEntry.objects.get(action="postcode.load")
    assert entry.detail["refused"] == 2
    assert [r[1] for r in entry.detail["refused_rows"]] == ["B8 5DD", "RG30 3DD"]
