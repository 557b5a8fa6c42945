"""Importing the electoral register: full files, monthly updates, households and
streets, and deleting the register on the CLP's schedule."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from canvassing.models import (
    DoorstepReturn,
    Elector,
    Household,
    PollingDistrict,
    Street,
)
from canvassing.services import RegisterFileError, register_import
from canvassing.services.register import normalise_number, parse_address
from partyhub.audit.models import AuditEntry
from partyhub.errors import DomainError
from tests.canvassing.conftest import SMALL, register_csv

UPDATE_HEADER = ["Change", "Elector Number", "Surname", "First Names", "Address 1",
                 "Address 2", "Postcode", "Markers"]  # fmt: skip


def numbers(district) -> set[str]:
    return set(
        Elector.objects.filter(district=district).values_list("number", flat=True)
    )


def test_a_full_register_groups_households_and_streets(district_a):
    assert Elector.objects.filter(district=district_a).count() == 8
    assert set(
        Street.objects.filter(district=district_a).values_list("name", flat=True)
    ) == {
        "High Street",
        "Mill Lane",
    }
    # Ann and Bob Adams live at one address: one household, one door to knock.
    adams = Elector.objects.filter(last_name="Adams")
    assert adams.values("household").distinct().count() == 1
    assert Household.objects.filter(street__district=district_a).count() == 7
    flat = Elector.objects.get(number="5").household
    assert (flat.house_number, flat.street.name) == (4, "High Street")
    assert set(
        Elector.objects.filter(postal_voter=True).values_list("number", flat=True)
    ) == {
        "2",
        "5",
    }
    assert PollingDistrict.objects.get(pk=district_a.pk).imported_at is not None


def test_the_import_is_audited(district_a):
    entry = AuditEntry.objects.get(action="canvassing.register_imported")
    assert entry.detail["added"] == 8
    assert entry.constituency_id == district_a.constituency_id


def test_a_monthly_update_adds_and_deletes_exactly_the_right_electors(
    district_a, officer_a
):
    kept = Elector.objects.get(district=district_a, number="3")
    DoorstepReturn.objects.create(
        elector=kept, answer="ours", recorded_at=kept.district.imported_at
    )
    before = {e.number: e.pk for e in Elector.objects.filter(district=district_a)}
    update = register_csv(
        [
            ["A", "9", "Hughes", "Ian", "5 High Street", "", "B8 1AA", ""],
            ["A", "10/1", "Hughes", "Jo", "5 High Street", "", "B8 1AA", "P"],
            ["D", "2", "", "", "", "", "", ""],
            ["D", "7", "Ford", "Gus", "12 Mill Lane", "", "B8 1AB", ""],
            ["M", "6", "Evans-Smith", "Fay", "10 Mill Lane", "", "B8 1AB", ""],
        ],
        header=UPDATE_HEADER,
    )
    run = register_import(
        district=district_a, data=update, update=True, actor=officer_a
    )
    assert (run.added, run.deleted, run.changed) == (2, 2, 1)
    assert numbers(district_a) == {"1", "3", "4", "5", "6", "8", "9", "10/1"}
    # Nobody else was touched: same rows, and the return on elector 3 is kept.
    after = {e.number: e.pk for e in Elector.objects.filter(district=district_a)}
    for number in ("1", "3", "4", "5", "6", "8"):
        assert after[number] == before[number]
    assert DoorstepReturn.objects.filter(elector=kept).count() == 1
    assert Elector.objects.get(number="6").last_name == "Evans-Smith"
    # The Hughes household is new; Gus Ford's house has nobody left and is gone.
    assert Elector.objects.get(number="10/1").postal_voter
    assert not Household.objects.filter(address="12 Mill Lane").exists()


def test_an_update_that_does_not_fit_the_register_changes_nothing(
    district_a, officer_a
):
    update = register_csv(
        [
            ["A", "9", "Hughes", "Ian", "5 High Street", "", "B8 1AA", ""],
            ["D", "99", "Nobody", "", "", "", "", ""],
            ["A", "1", "Adams", "Ann", "1 High Street", "", "B8 1AA", ""],
            ["X", "4", "Clark", "Dev", "3 High Street", "", "B8 1AA", ""],
        ],
        header=UPDATE_HEADER,
    )
    with pytest.raises(RegisterFileError) as raised:
        register_import(district=district_a, data=update, update=True, actor=officer_a)
    text = str(raised.value.messages)
    assert "line 3" in text and "99" in text
    assert "line 4" in text and "line 5" in text
    assert numbers(district_a) == {str(n) for n in range(1, 9)}


def test_a_new_full_register_replaces_the_old(district_a, officer_a):
    rows = [r for r in SMALL if r[0] not in ("7", "8")]
    rows.append(["11", "Irwin", "Kay", "20 New Road", "", "B8 1AC", ""])
    run = register_import(
        district=district_a, data=register_csv(rows), update=False, actor=officer_a
    )
    assert (run.added, run.deleted) == (1, 2)
    assert numbers(district_a) == {"1", "2", "3", "4", "5", "6", "11"}


def test_the_same_full_file_twice_changes_nothing(district_a, officer_a):
    run = register_import(
        district=district_a, data=register_csv(SMALL), update=False, actor=officer_a
    )
    assert (run.added, run.changed, run.deleted) == (0, 0, 0)


def test_a_file_without_the_columns_is_refused(clp_a, officer_a):
    district = PollingDistrict.objects.create(constituency=clp_a, code="HA2")
    with pytest.raises(DomainError) as raised:
        register_import(
            district=district,
            data=b"Name,Street\nAnn,High Street\n",
            update=False,
            actor=officer_a,
        )
    assert "elector number" in str(raised.value.messages)
    assert not Elector.objects.exists()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("42", ("42", 42)), ("HA1-0042/1", ("42/1", 42)), ("AB 7", ("7", 7)),
     ("x", None), ("", None)],
)  # fmt: skip
def test_elector_numbers(raw, expected):
    assert normalise_number(raw) == expected


def test_addresses_give_street_and_number():
    assert parse_address(["Flat 2", "10 High St"], "b8 1aa").street == "High St"
    assert parse_address(["Rose Cottage", "Mill Lane"], "").street == "Mill Lane"
    assert parse_address(["12A Mill Lane"], "").house_number == 12


def test_the_retention_schedule_deletes_a_register_not_replaced_in_time(
    district_a, clp_a
):
    import datetime

    from django.utils import timezone

    from partyhub.dataprotection.retention import rules

    rule = next(r for r in rules() if r.category == "electoral_register")
    soon = timezone.now() - datetime.timedelta(days=1)
    assert not rule.candidates(clp_a, soon).exists()
    later = timezone.now() + datetime.timedelta(days=1)
    due = list(rule.candidates(clp_a, later))
    assert due == [district_a]
    rule.apply(due[0], "retention")
    assert not Elector.objects.exists()
    assert AuditEntry.objects.filter(action="canvassing.district_deleted").exists()


def test_a_refused_file_leaves_no_new_district(client, clp_a, lead_a, ward_a):
    from django.urls import reverse

    client.force_login(lead_a)
    bad = SimpleUploadedFile(
        "bad.csv", b"Elector Number,Surname,Address 1\nx,Ann,1 Road\n"
    )
    response = client.post(
        reverse("canvassing:import", args=[clp_a.slug]),
        {"import-district_code": "zz9", "import-kind": "full", "import-file": bad,
         "import-ward": ward_a.pk},
        follow=True,
    )  # fmt: skip
    assert b"Nothing was imported" in response.content
    assert b"line 2" in response.content
    assert not PollingDistrict.objects.filter(code="ZZ9").exists()
    good = SimpleUploadedFile("ok.csv", register_csv(SMALL))
    client.post(
        reverse("canvassing:import", args=[clp_a.slug]),
        {"import-district_code": "zz9", "import-kind": "full", "import-file": good,
         "import-ward": ward_a.pk, "import-district_name": "Zed"},
    )  # fmt: skip
    district = PollingDistrict.objects.get(code="ZZ9")
    assert (district.ward, district.name, district.electors.count()) == (
        ward_a,
        "Zed",
        8,
    )
    assert AuditEntry.objects.filter(action="canvassing.district_added").exists()
