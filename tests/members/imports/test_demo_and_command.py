"""The demo journey (import the demo export, then a week's changes) and the command."""

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from members.demo.national_export import NEW_JOINER, national_export_csv
from members.demo.seed import seed_demo
from members.models import Constituency, ImportRun, Membership, Mentorship, Person
from tests import factories
from tests.helpers import send_all_mail
from tests.members.imports.conftest import csv_bytes, row


@pytest.fixture
def demo(db):
    seed_demo()
    return Constituency.objects.get(slug="birmingham-hodge-hill")


def test_demo_export_then_changes_shows_exactly_three_changes(
    client, demo, settings, tasks_run_on_commit
):
    from partyhub.accounts.models import User

    settings.DEBUG = True  # the demo files are offered in DEBUG only

    secretary = User.objects.get(email="membership@hodgehill.example.org")
    client.force_login(secretary)
    today = timezone.localdate()

    first = client.get(
        reverse("admin:members_importrun_demo", args=["national_export"])
    )
    assert first.status_code == 200
    response = client.post(
        reverse("admin:members_importrun_upload"),
        {
            "file": _upload("national_export.csv", first.content),
            "constituency": demo.pk,
        },
    )
    run = ImportRun.objects.get()
    assert run.counts["new"] == 0  # everyone is already known from the seed
    assert run.counts["errors"] == 0
    client.post(reverse("admin:members_importrun_apply", args=[run.pk]))

    changes = national_export_csv(today, changes=True)
    response = client.post(
        reverse("admin:members_importrun_upload"),
        {"file": _upload("changes.csv", changes), "constituency": demo.pk},
    )
    run = ImportRun.objects.latest("pk")
    assert (run.counts["new"], run.counts["changed"], run.counts["lapsed"]) == (1, 2, 1)
    assert run.counts["errors"] == 0
    page = client.get(response["Location"])
    assert NEW_JOINER["number"] in page.text
    lapse, move = sorted((set(r["fields"]) for r in run.report["changed"]), key=len)
    assert lapse == {"status", "status_since"}
    assert move - {"branch"} == {"address_line_1", "postcode", "ward"}
    mail.outbox.clear()
    client.post(reverse("admin:members_importrun_apply", args=[run.pk]))
    newcomer = Membership.objects.get(membership_number=NEW_JOINER["number"]).person
    assert newcomer.ward is not None
    # The new joiner is welcomed and given a mentor from the demo's mentors; the
    # mentor is asked to make contact (the "done when").
    mentorship = Mentorship.objects.get(mentee=newcomer)
    assert mentorship.mentor is not None
    sent = send_all_mail()
    to = [m.to[0] for m in sent]
    assert to.count(newcomer.email) == 1
    # The mentor (the demo's membership secretary, who also gets officers' mail
    # such as the demo's open data request) is asked once about the newcomer.
    to_mentor = [m for m in sent if m.to[0] == mentorship.mentor.person.email]
    assert len([m for m in to_mentor if newcomer.full_name in m.subject]) == 1

    again = client.post(
        reverse("admin:members_importrun_upload"),
        {"file": _upload("changes.csv", changes), "constituency": demo.pk},
    )
    assert again.status_code == 302
    latest = ImportRun.objects.latest("pk")
    assert (latest.counts["new"], latest.counts["changed"]) == (0, 0)


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, "text/csv")


def test_demo_files_are_offered_only_in_debug(client, clp_a, settings):
    # Any membership secretary will do: the demo itself (a minute to build) is
    # not needed to tell whether the file is offered.
    client.force_login(factories.officer(clp_a, role="membership_secretary"))
    url = reverse("admin:members_importrun_demo", args=["national_export"])
    settings.DEBUG = True
    assert client.get(url).status_code == 200
    settings.DEBUG = False
    assert client.get(url).status_code == 404


def test_command_previews_then_applies(clp_a, area_a, tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_bytes(csv_bytes(row()))
    call_command("import_members", str(path), "--constituency", clp_a.slug)
    assert "new members                  1" in capsys.readouterr().out
    assert not Person.objects.exists()
    call_command("import_members", str(path), "--constituency", clp_a.slug, "--apply")
    assert "Applied" in capsys.readouterr().out
    assert Membership.objects.filter(membership_number="L0000001").exists()
    assert ImportRun.objects.filter(status=ImportRun.Status.APPLIED).count() == 1


def test_command_explains_a_bad_file(clp_a, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="The file is empty. Nothing was changed."):
        call_command("import_members", str(path), "--constituency", clp_a.slug)


def test_command_with_row_errors_applies_nothing(clp_a, area_a, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(csv_bytes(row(), row("L2", status="Gold")))
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command(
            "import_members", str(path), "--constituency", clp_a.slug, "--apply"
        )
    assert not Membership.objects.exists()


def test_command_needs_a_known_constituency(clp_a, clp_b, tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(csv_bytes(row()))
    with pytest.raises(CommandError, match="--constituency"):
        call_command("import_members", str(path))
    with pytest.raises(CommandError, match="No constituency"):
        call_command("import_members", str(path), "--constituency", "nowhere")
