"""The import's report names a changed status as officers know it ("Lapsed"),
not by the value stored in the database ("lapsed")."""

from django.urls import reverse

from members.imports.services import membership_import_apply, membership_import_preview
from tests.members.imports.conftest import csv_bytes, row


def test_a_status_change_is_shown_with_the_statuses_labels(
    client, clp_a, area_a, membership_secretary_a
):
    first = membership_import_preview(
        data=csv_bytes(
            row(), row("L0000002", "Bob", email="b@x.org", status="Arrears")
        ),
        file_name="export.csv",
        constituency=clp_a,
        actor=None,
    )
    membership_import_apply(run=first, actor=None)
    run = membership_import_preview(
        data=csv_bytes(
            row(status="Lapsed"),
            row("L0000002", "Bob", email="b@x.org", status="Current"),
        ),
        file_name="export.csv",
        constituency=clp_a,
        actor=None,
    )
    changed = {r["number"]: r["fields"] for r in run.report["changed"]}
    assert changed["L0000001"]["status"][:2] == ["Current", "Lapsed"]
    assert changed["L0000002"]["status"][:2] == ["In arrears", "Current"]

    client.force_login(membership_secretary_a)
    page = client.get(reverse("admin:members_importrun_preview", args=[run.pk]))
    assert "Status: Current → Lapsed" in page.text
    assert "Status: In arrears → Current" in page.text
    assert "current →" not in page.text
