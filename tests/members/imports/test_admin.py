"""The import pages in the admin: upload, preview, apply; runs scoped to the CLP."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.imports.services import membership_import_preview
from members.models import ImportRun, Membership, Person
from tests import factories
from tests.members.imports.conftest import csv_bytes, row

UPLOAD = reverse("admin:members_importrun_upload")


@pytest.fixture(autouse=True)
def _tasks(tasks_run_on_commit):
    pass


def upload(client, clp, data, name="export.csv"):
    return client.post(
        UPLOAD,
        {"file": SimpleUploadedFile(name, data, "text/csv"), "constituency": clp.pk},
    )


def test_upload_preview_apply(client, clp_a, area_a, membership_secretary_a):
    client.force_login(membership_secretary_a)
    response = upload(client, clp_a, csv_bytes(row(), row("L2", "Bo", email="b@x.org")))
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:members_importrun_preview", args=[run.pk]
    )
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Apply this import" in page.text
    assert "L0000001" in page.text
    assert not Person.objects.exclude(user=membership_secretary_a).exists()

    response = client.post(reverse("admin:members_importrun_apply", args=[run.pk]))
    assert response.status_code == 302
    assert Membership.objects.filter(membership_number__in=["L0000001", "L2"]).count()
    page = client.get(response["Location"])
    assert "Imported: 2 new, 0 changed, 0 unchanged." in page.text
    run.refresh_from_db()
    assert run.status == ImportRun.Status.APPLIED


def test_row_errors_are_shown_and_there_is_no_apply_button(
    client, clp_a, area_a, officer_a
):
    client.force_login(officer_a)
    response = upload(client, clp_a, csv_bytes(row(), row("L2", joined="soon")))
    page = client.get(response["Location"])
    assert "&#x27;soon&#x27; is not a date" in page.text
    assert "Apply this import" not in page.text
    run = ImportRun.objects.get()
    response = client.post(reverse("admin:members_importrun_apply", args=[run.pk]))
    assert not Membership.objects.filter(membership_number="L0000001").exists()
    assert "Nothing was imported" in client.get(response["Location"]).text


def test_bad_file_is_explained_next_to_the_field(client, clp_a, area_a, officer_a):
    client.force_login(officer_a)
    response = upload(client, clp_a, b"name,email\nA,a@x.org\n")
    assert response.status_code == 200
    assert "Required columns are missing" in response.text
    assert "Nothing was changed." in response.text
    assert not ImportRun.objects.exists()


def test_oversized_upload_is_refused(client, clp_a, area_a, officer_a, settings):
    settings.MEMBER_IMPORT_MAX_BYTES = 50
    client.force_login(officer_a)
    response = upload(client, clp_a, csv_bytes(row()))
    assert "The file is too large (the limit is 0 MB)." in response.text
    assert not ImportRun.objects.exists()


def test_officer_cannot_import_into_another_constituency(
    client, clp_a, clp_b, area_a, officer_a
):
    client.force_login(officer_a)
    response = upload(client, clp_b, csv_bytes(row()))
    assert response.status_code == 200
    assert "That choice is not on the list" in response.text
    assert not ImportRun.objects.exists()


def test_officer_without_the_right_cannot_import(client, clp_a, area_a):
    treasurer = factories.officer(clp_a, role="treasurer")
    client.force_login(treasurer)
    assert client.get(UPLOAD).status_code == 403


def test_officer_b_cannot_see_or_apply_a_runs(
    client, clp_a, clp_b, area_a, officer_a, officer_b
):
    run = membership_import_preview(
        data=csv_bytes(row()), file_name="a-list.csv", constituency=clp_a, actor=None
    )
    client.force_login(officer_b)
    listing = client.get(reverse("admin:members_importrun_changelist"))
    assert listing.status_code == 200
    assert "a-list.csv" not in listing.text
    for name in ("change", "preview"):
        url = reverse(f"admin:members_importrun_{name}", args=[run.pk])
        assert client.get(url).status_code == 404
    url = reverse("admin:members_importrun_apply", args=[run.pk])
    assert client.post(url).status_code == 404
    assert not Membership.objects.exists()

    client.force_login(officer_a)
    listing = client.get(reverse("admin:members_importrun_changelist"))
    assert "a-list.csv" in listing.text
    detail = client.get(reverse("admin:members_importrun_change", args=[run.pk]))
    assert detail.status_code == 200
    assert "L0000001" in detail.text


def test_run_list_has_no_query_per_run(
    client, clp_a, area_a, officer_a, django_assert_max_num_queries
):
    for n in range(5):
        membership_import_preview(
            data=csv_bytes(row(f"L{n}")),
            file_name=f"{n}.csv",
            constituency=clp_a,
            actor=None,
        )
    client.force_login(officer_a)
    client.get(reverse("admin:members_importrun_changelist"))
    with django_assert_max_num_queries(20) as captured:
        client.get(reverse("admin:members_importrun_changelist"))
    few = len(captured)
    for n in range(5, 15):
        membership_import_preview(
            data=csv_bytes(row(f"L{n}")),
            file_name=f"{n}.csv",
            constituency=clp_a,
            actor=None,
        )
    with django_assert_max_num_queries(few):
        client.get(reverse("admin:members_importrun_changelist"))


def test_preview_shows_what_changed_field_by_field(client, clp_a, area_a, officer_a):
    run = membership_import_preview(
        data=csv_bytes(row()), file_name="1.csv", constituency=clp_a, actor=None
    )
    client.force_login(officer_a)
    client.post(reverse("admin:members_importrun_apply", args=[run.pk]))
    response = upload(client, clp_a, csv_bytes(row(address="9 New Road")))
    page = client.get(response["Location"])
    assert "Address: 1 High Street → 9 New Road" in page.text
    assert '<td class="import-count-changed">1</td>' in page.text


def test_preview_has_the_apply_button_above_and_below_the_rows(
    client, clp_a, area_a, membership_secretary_a
):
    client.force_login(membership_secretary_a)
    response = upload(client, clp_a, csv_bytes(row()))
    page = client.get(response["Location"]).text
    assert page.count("Apply this import") == 2
    assert page.index("Apply this import") < page.index("L0000001")


def test_preview_folds_the_rows_by_kind_under_their_counts(
    client, clp_a, area_a, officer_a
):
    run = membership_import_preview(
        data=csv_bytes(row(), row("L2", "Bo", email="b@x.org")),
        file_name="1.csv",
        constituency=clp_a,
        actor=None,
    )
    client.force_login(officer_a)
    client.post(reverse("admin:members_importrun_apply", args=[run.pk]))
    response = upload(
        client,
        clp_a,
        csv_bytes(
            row(address="9 New Road"),
            row("L2", "Bo", email="b@x.org"),
            row("L3", "Cy", email="c@x.org"),
        ),
    )
    page = client.get(response["Location"]).text
    for summary in ("1 new member", "1 changed", "1 unchanged"):
        assert f"<summary>{summary}</summary>" in page
    changed = page[
        page.index("import-kind-changed") : page.index("import-kind-unchanged")
    ]
    assert "Address: 1 High Street → 9 New Road" in changed
    # Folded: only rows with errors open by themselves.
    assert 'import-kind-changed" open' not in page

    response = upload(client, clp_a, csv_bytes(row(), row("L4", joined="soon")))
    page = client.get(response["Location"]).text
    assert '<details class="import-kind import-kind-errors" open>' in page
    assert "<summary>1 row with errors</summary>" in page
