"""Line numbers in CSV errors are where the row started (issue 20, finding 7):
a stray quote on line 8 of a long file is reported on line 8, not where the
reader gave up, and a row after a cell over two lines keeps its own line."""

import io

import pytest

from members.imports.services import ImportFileError, membership_import_preview
from members.services import PostcodeFileError, postcodes_load
from supporters.services import SupportersError, supporters_import
from tests.members.imports.conftest import csv_bytes, row


def _long_file_with_stray_quote() -> bytes:
    rows = [row(f"L{n:07d}", email="") for n in range(1, 1300)]
    # Line 8 (header is line 1): an address opened with a quote never closed.
    rows[6] = row("L0000007", address='"7 High Street', email="")
    # A quoted cell much later is where the csv module notices the damage.
    rows[1180] = row("L0001181", address='"1181, High Street"', email="")
    return csv_bytes(*rows)


def test_unbalanced_quote_is_reported_on_its_own_line(clp_a, area_a):
    with pytest.raises(ImportFileError) as caught:
        membership_import_preview(
            data=_long_file_with_stray_quote(),
            file_name="export.csv",
            constituency=clp_a,
            actor=None,
        )
    assert str(caught.value).startswith("Line 8 is not valid CSV")


def test_row_with_a_two_line_cell_is_reported_on_its_first_line(clp_a, area_a):
    data = csv_bytes(
        row("L0000001"),
        row("L0000002", address='"Flat 2\n2 High Street"', email="not-an-address"),
    )
    run = membership_import_preview(
        data=data, file_name="export.csv", constituency=clp_a, actor=None
    )
    assert [line for line, _problem in run.report["errors"]] == [3]


def test_supporters_import_reports_the_quote_line(clp_a, officer_a):
    lines = ["first_name,last_name,email"]
    lines += [f"Ann{n},Archer,ann{n}@example.org" for n in range(2, 500)]
    lines[7] = 'Ann8,"Archer,ann8@example.org'
    lines[400] = 'Ann401,"Archer, Jr",ann401@example.org'
    with pytest.raises(SupportersError) as caught:
        supporters_import(
            file="\n".join(lines).encode(),
            constituency=clp_a,
            actor=officer_a,
            dry_run=True,
        )
    assert caught.value.messages[0].startswith("Line 8 is not valid CSV")


def test_postcode_upload_reports_the_quote_line(clp_a, officer_a):
    lines = ["pcds,osward,pcon"]
    lines += [f"B8 {n}AA,E05990001,E14000001" for n in range(2, 500)]
    lines[7] = '"B8 8AA,E05990001,E14000001'
    lines[400] = '"B8 4AA",E05990001,E14000001'
    with pytest.raises(PostcodeFileError, match=r"^Line 8 is not valid CSV"):
        postcodes_load(file=io.StringIO("\n".join(lines)), actor=officer_a)
