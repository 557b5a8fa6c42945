"""Postcodes: validation, and the ONS postcode-to-ward lookup an officer loads."""

import io

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from members import services
from members.demo.postcodes import POSTCODE_FILE, ward_postcodes
from members.models import Person, Postcode
from members.postcodes import PostcodeFormField, is_postcode, normalise_postcode
from members.services import (
    PostcodeFileError,
    person_place,
    postcode_lookup,
    postcodes_load,
    read_text_upload,
)
from partyhub.audit.models import AuditEntry
from tests import factories

HEADER = "pcd,pcd2,pcds,dointr,doterm,oslaua,osward,usertype,pcon,lat,long\n"


# --- validation and normalisation -------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("b81aa", "B8 1AA"),
        (" rg30  2ab ", "RG30 2AB"),
        ("B8 1AA", "B8 1AA"),
        ("b36\t8be", "B36 8BE"),
        ("sw1a1aa", "SW1A 1AA"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("m11ae", "M1 1AE"),
        ("gir 0aa", "GIR 0AA"),
    ],
)
def test_postcode_normalised_however_typed(typed, stored):
    assert normalise_postcode(typed) == stored
    assert is_postcode(typed)


@pytest.mark.parametrize(
    "typed", ["B8", "12345", "QQ1 1AA", "", "   ", "B8 1AAA", "B8 1CA", "RG30 2A"]
)
def test_invalid_postcode_rejected_with_clear_message(typed):
    with pytest.raises(ValidationError) as exc:
        normalise_postcode(typed)
    assert exc.value.messages == ["Enter a full UK postcode, for example B8 1AA."]
    assert not is_postcode(typed)


def test_postcode_form_field_cleans_and_rejects():
    class Form(forms.Form):
        postcode = PostcodeFormField()

    form = Form({"postcode": " rg30  2ab "})
    assert form.is_valid()
    assert form.cleaned_data["postcode"] == "RG30 2AB"

    form = Form({"postcode": "QQ1 1AA"})
    assert not form.is_valid()
    assert form.errors["postcode"] == ["Enter a full UK postcode, for example B8 1AA."]


def test_postcode_model_field_stores_normalised_form():
    field = Person._meta.get_field("postcode")
    assert field.clean("b81aa", None) == "B8 1AA"
    with pytest.raises(ValidationError):
        field.clean("12345", None)


# --- loading the lookup --------------------------------------------------------------


@pytest.fixture
def hodge_hill(db):
    clp = factories.ConstituencyFactory(
        name="Birmingham Hodge Hill", slug="birmingham-hodge-hill", ons_code="E14000564"
    )
    wards = {
        name: factories.WardFactory(constituency=clp, name=name, ons_code=code)
        for name, code in [
            ("Bordesley Green", "E05011121"),
            ("Heartlands", "E05011138"),
            ("Hodge Hill", "E05011140"),
            ("Shard End", "E05011165"),
            ("Washwood Heath", "E05011179"),
        ]
    }
    return clp, wards


@pytest.fixture
def reading_west(db):
    clp = factories.ConstituencyFactory(
        name="Reading West", slug="reading-west", ons_code="E14000889"
    )
    ward = factories.WardFactory(constituency=clp, name="Battle", ons_code="E05013864")
    return clp, ward


def _row(pcds: str, ward: str, pcon: str, *, pcd: str | None = None) -> str:
    return (
        f"{pcd or pcds},{pcds},{pcds},198001,,E08000025,{ward},0,{pcon},52.49,-1.81\n"
    )


def _write(tmp_path, text: str | bytes, name: str = "lookup.csv") -> str:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return str(path)


def _load(path: str, *args: str) -> str:
    out = io.StringIO()
    call_command("load_postcodes", path, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_load_demo_file_places_person_in_ward_and_constituency(hodge_hill):
    clp, wards = hodge_hill
    postcode = ward_postcodes()["E05011165"][0]  # a Shard End postcode
    person = factories.PersonFactory(
        constituency=None, ward=None, postcode=postcode.lower().replace(" ", "")
    )

    output = _load(str(POSTCODE_FILE))

    codes = {w.ons_code for w in wards.values()}
    hodge_hill_rows = sum(
        len(pcs) for code, pcs in ward_postcodes().items() if code in codes
    )
    assert Postcode.objects.count() == hodge_hill_rows
    person.refresh_from_db()
    assert person.ward == wards["Shard End"]
    assert person.constituency == clp
    assert _count(output, "people placed in their ward") == 1
    assert _count(output, "loaded: in partyhub's areas") == hodge_hill_rows


def _count(output: str, label: str) -> int:
    line = next(line for line in output.splitlines() if label in line)
    return int(line.rsplit(None, 1)[-1].replace(",", ""))


def test_rows_for_unknown_wards_are_skipped_and_counted(hodge_hill, tmp_path):
    clp, wards = hodge_hill
    path = _write(
        tmp_path,
        HEADER
        + _row("B34 6AB", "E05011165", "E14000564")
        + _row("B25 8JX", "E05011189", "E14000567")  # Yardley: not ours
        + _row("B36 8BE", "E05011140", "E14000564")
        + _row("SW1A 1AA", "E05000644", "E14000639")
        + _row("RG1 3AA", "E05013863", "E14000888"),
    )

    output = _load(path)

    assert set(Postcode.objects.values_list("postcode", flat=True)) == {
        "B34 6AB",
        "B36 8BE",
    }
    assert _count(output, "rows read") == 5
    assert _count(output, "loaded: in partyhub's areas") == 2
    assert _count(output, "skipped: not an area partyhub knows") == 3
    entry = AuditEntry.objects.get(action="postcode.load")
    assert entry.actor is None
    assert entry.row_count == 2
    assert entry.detail["skipped_other_areas"] == 3


def test_invalid_postcodes_reported_with_line_numbers_and_valid_rows_load(
    hodge_hill, tmp_path
):
    path = _write(
        tmp_path,
        HEADER
        + _row("B34 6AB", "E05011165", "E14000564")
        + _row("B8", "E05011179", "E14000564")
        + _row("QQ1 1AA", "E05011179", "E14000564")
        + _row("B8 1AA", "E05011179", "E14000564"),
    )

    output = _load(path)

    assert "line 3: 'B8'" in output
    assert "line 4: 'QQ1 1AA'" in output
    assert _count(output, "invalid postcodes") == 2
    assert set(Postcode.objects.values_list("postcode", flat=True)) == {
        "B34 6AB",
        "B8 1AA",
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\n\n", "The file is empty."),
        (b"name,ward,constituency\nAlice,E05011165,E14000564\n", "No postcode column"),
        (b"pcds,lat,long\nB34 6AB,52.4,-1.8\n", "No ward or constituency column"),
        (HEADER.encode(), "The file has a header but no rows."),
        (bytes(range(256)) * 40, "not a CSV text file"),
        (b"\x81\x8d\x8f\x90\x9d" * 100, "not text in UTF-8 or Windows-1252"),
        (b"PK\x03\x04" + bytes(200), "zip archive"),
        (b"\x1f\x8b\x08" + bytes(200), "gzip"),
    ],
    ids=[
        "empty",
        "blank-lines",
        "no-postcode-column",
        "no-ward-column",
        "header-only",
        "binary",
        "not-text",
        "zip",
        "gzip",
    ],
)
def test_bad_file_gets_clear_error_and_changes_nothing(
    hodge_hill, tmp_path, content, message
):
    clp, wards = hodge_hill
    Postcode.objects.create(
        postcode="B36 8BE", ward=wards["Hodge Hill"], constituency=clp
    )
    path = _write(tmp_path, content)

    with pytest.raises(CommandError, match=message) as exc:
        _load(path)

    assert "Nothing was loaded." in str(exc.value)
    assert Postcode.objects.count() == 1
    assert not AuditEntry.objects.filter(action="postcode.load").exists()


def test_missing_file_gets_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        _load(str(tmp_path / "nope.csv"))


def test_error_late_in_file_rolls_back_rows_already_written(
    hodge_hill, tmp_path, monkeypatch
):
    clp, wards = hodge_hill
    monkeypatch.setattr(services, "_LOAD_BATCH", 2)  # flush early, then fail
    person = factories.PersonFactory(constituency=None, ward=None, postcode="B34 6AB")
    path = _write(
        tmp_path,
        HEADER
        + _row("B34 6AB", "E05011165", "E14000564")
        + _row("B34 6AD", "E05011165", "E14000564")
        + _row("B34 6AE", "E05011165", "E14000564")
        + "B34 6AF,"
        + "x" * 200_000
        + "\n",  # beyond the csv module's field limit
    )

    with pytest.raises(CommandError, match="Line 5 is not valid CSV"):
        _load(path)

    assert Postcode.objects.count() == 0
    person.refresh_from_db()
    assert person.ward is None


def test_windows_1252_file_loads(hodge_hill, tmp_path):
    text = (
        "pcds,osward,pcon,street\n"
        "B34 6AB,E05011165,E14000564,Café Street £\n"
        "B9 4AA,E05011121,E14000564,Hôtel Road\n"
    )
    path = _write(tmp_path, text.encode("cp1252"))

    output = _load(path)

    assert _count(output, "loaded: in partyhub's areas") == 2
    assert Postcode.objects.filter(postcode="B9 4AA").exists()


def test_utf8_file_with_bom_loads(hodge_hill, tmp_path):
    text = "pcds,osward,pcon,street\nB34 6AB,E05011165,E14000564,Łąka Street\n"
    path = _write(tmp_path, b"\xef\xbb\xbf" + text.encode("utf-8"))

    output = _load(path)

    assert _count(output, "loaded: in partyhub's areas") == 1
    assert Postcode.objects.filter(postcode="B34 6AB").exists()


def test_nspl_layout_and_seven_character_pcd_column(hodge_hill, tmp_path):
    # NSPL names its columns wdYYcd and pconYYcd; pcd pads short outward codes.
    path = _write(
        tmp_path,
        "pcd,dointr,wd25cd,pcon24cd,lad25cd\n"
        "B8  1AA,198001,E05011179,E14000564,E08000025\n"
        "B34 6AB,198001,E05011165,E14000564,E08000025\n",
    )

    _load(path)

    assert set(Postcode.objects.values_list("postcode", "ward__name")) == {
        ("B8 1AA", "Washwood Heath"),
        ("B34 6AB", "Shard End"),
    }


def test_reload_after_boundary_change_moves_postcode_to_new_ward(hodge_hill, tmp_path):
    clp, wards = hodge_hill
    before = _write(
        tmp_path,
        HEADER
        + _row("B36 8BE", "E05011140", "E14000564")
        + _row("B34 6AB", "E05011165", "E14000564"),
        "before.csv",
    )
    after = _write(
        tmp_path,
        HEADER
        + _row("B36 8BE", "E05011165", "E14000564")  # now in Shard End
        + _row("B34 6AB", "E05011165", "E14000564"),
        "after.csv",
    )
    _load(before)
    assert Postcode.objects.get(postcode="B36 8BE").ward == wards["Hodge Hill"]

    output = _load(after)

    assert Postcode.objects.count() == 2
    assert Postcode.objects.get(postcode="B36 8BE").ward == wards["Shard End"]
    assert _count(output, "of which new or changed") == 1

    output = _load(after)
    assert _count(output, "of which new or changed") == 0


def test_constituency_option_loads_only_that_constituency(
    hodge_hill, reading_west, tmp_path
):
    path = _write(
        tmp_path,
        HEADER
        + _row("B34 6AB", "E05011165", "E14000564")
        + _row("RG30 1BR", "E05013864", "E14000889"),
    )

    output = _load(path, "--constituency", "reading-west")

    assert list(Postcode.objects.values_list("postcode", flat=True)) == ["RG30 1BR"]
    assert _count(output, "refused: another constituency's") == 1
    assert "line 2: 'B34 6AB' is Birmingham Hodge Hill's" in output
    entry = AuditEntry.objects.get(action="postcode.load")
    assert entry.constituency_id == reading_west[0].pk


def test_unknown_constituency_option_is_an_error(hodge_hill):
    with pytest.raises(CommandError, match="No constituency with the short name"):
        _load(str(POSTCODE_FILE), "--constituency", "atlantis")


def test_ward_split_by_constituency_boundary_follows_the_constituency(
    hodge_hill, reading_west, tmp_path
):
    # The file puts a postcode of a Hodge Hill ward in Reading West's constituency:
    # the constituency decides, and the postcode gets no ward of another CLP.
    path = _write(tmp_path, HEADER + _row("B34 6AB", "E05011165", "E14000889"))

    _load(path)

    row = Postcode.objects.get()
    assert row.constituency == reading_west[0]
    assert row.ward is None


def test_load_does_not_move_person_an_officer_placed_elsewhere(
    hodge_hill, reading_west, tmp_path
):
    elsewhere = factories.PersonFactory(
        constituency=reading_west[0], ward=None, postcode="B34 6AB"
    )
    unplaced = factories.PersonFactory(constituency=None, ward=None, postcode="B34 6AB")
    path = _write(tmp_path, HEADER + _row("B34 6AB", "E05011165", "E14000564"))

    output = _load(path)

    elsewhere.refresh_from_db()
    unplaced.refresh_from_db()
    assert elsewhere.constituency == reading_west[0]
    assert unplaced.constituency == hodge_hill[0]
    assert _count(output, "people placed in their ward") == 1


def test_service_reads_uploaded_bytes_in_either_encoding(hodge_hill):
    data = "\ufeffpcds,osward\nB34 6AB,E05011165\n".encode()
    report = postcodes_load(file=read_text_upload(data), actor=None)
    assert report.loaded == 1

    data = "pcds,osward,note\nB9 4AA,E05011121,caf\u00e9\n".encode("cp1252")
    report = postcodes_load(file=read_text_upload(data), actor=None)
    assert report.loaded == 1

    with pytest.raises(PostcodeFileError):
        read_text_upload(bytes(range(256)))


def test_lookup_and_placement_accept_postcode_however_typed(hodge_hill):
    clp, wards = hodge_hill
    Postcode.objects.create(
        postcode="B36 8BE", ward=wards["Hodge Hill"], constituency=clp
    )
    assert postcode_lookup("b368be").ward == wards["Hodge Hill"]
    assert postcode_lookup("not a postcode") is None
    assert postcode_lookup("") is None

    person = Person(first_name="Ann", last_name="Lee", postcode="B36 8BE")
    assert person_place(person=person)
    assert (person.constituency_id, person.ward_id) == (clp.pk, wards["Hodge Hill"].pk)


def test_constituency_option_never_repoints_another_constituencys_postcode(
    hodge_hill, reading_west, tmp_path
):
    clp, wards = hodge_hill
    Postcode.objects.create(
        postcode="RG30 1BR", ward=reading_west[1], constituency=reading_west[0]
    )
    path = _write(tmp_path, HEADER + _row("RG30 1BR", "E05011165", "E14000564"))

    output = _load(path, "--constituency", "birmingham-hodge-hill")

    assert Postcode.objects.get(postcode="RG30 1BR").constituency == reading_west[0]
    assert _count(output, "refused: another constituency's") == 1
