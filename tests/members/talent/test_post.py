"""Post: address labels (PDF) and a mail-merge CSV for members without email only,
whatever the officer selected; scoped to their CLP; audited with counts."""

import csv
import io
import re

import pytest
from django.urls import reverse

from members import post
from members.models import Person
from partyhub.audit.models import AuditEntry
from tests import factories
from tests.members.talent.conftest import member


def _addressed(clp, first, last, *, email="", status="current", **kwargs):
    person = factories.PersonFactory(
        constituency=clp,
        first_name=first,
        last_name=last,
        email=email,
        address_line_1=kwargs.pop("address_line_1", f"1 {last} Road"),
        town="Birmingham",
        postcode=kwargs.pop("postcode", "B8 1AA"),
        **kwargs,
    )
    if status:
        factories.MembershipFactory(person=person, status=status)
    return person


@pytest.fixture
def cast(clp_a, clp_b):
    return {
        "paper": _addressed(clp_a, "Pat", "Paper"),
        "arrears": _addressed(clp_a, "Ava", "Arrears", status="arrears"),
        "emailed": _addressed(clp_a, "Ed", "Emailed", email="ed@example.org"),
        "lapsed": _addressed(clp_a, "Lou", "Lapsed", status="lapsed"),
        "contact": _addressed(clp_a, "Con", "Contact", status=None),
        "homeless": _addressed(clp_a, "Nia", "Noaddress", address_line_1=""),
        "other_clp": _addressed(clp_b, "Bob", "Berkshire", postcode="RG30 1AA"),
        "formula": _addressed(clp_a, "=HYPERLINK(1)", "Formula"),
    }


def _pdf_text(content: bytes) -> str:
    """The strings drawn on the pages (reportlab, uncompressed: `(text) Tj`)."""
    assert content.startswith(b"%PDF")
    return "\n".join(
        m.decode("latin-1") for m in re.findall(rb"\(((?:[^()\\]|\\.)*)\) Tj", content)
    )


def _post_action(client, action, people, **extra):
    return client.post(
        reverse("admin:members_person_changelist"),
        {"action": action, "_selected_action": [p.pk for p in people], **extra},
    )


def test_postal_recipients_are_members_without_email_with_an_address(cast):
    found = set(post.postal_recipients(Person.objects.all()))
    assert found == {
        cast["paper"],
        cast["arrears"],
        cast["other_clp"],
        cast["formula"],
    }


@pytest.mark.parametrize("sheet", ["L7160", "L7163"])
def test_labels_contain_only_members_without_email(client, officer_a, cast, sheet):
    client.force_login(officer_a)
    everyone = list(cast.values())
    form = _post_action(client, "labels_pdf", everyone)
    assert form.status_code == 200
    assert "Avery L7160" in form.text and "Avery L7163" in form.text
    response = _post_action(client, "labels_pdf", everyone, sheet=sheet, apply="1")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "Pat Paper" in text and "1 Paper Road" in text and "B8 1AA" in text
    assert "Ava Arrears" in text
    for absent in ("Emailed", "Lapsed", "Contact", "Noaddress", "Berkshire"):
        assert absent not in text
    entry = AuditEntry.objects.get(action="person.labels")
    assert entry.row_count == 3  # Paper, Arrears, Formula
    assert entry.actor == officer_a
    assert entry.detail["sheet"] == sheet


def test_labels_fill_sheets_and_start_new_pages(clp_a):
    people = [_addressed(clp_a, f"N{n:02d}", "Many") for n in range(23)]
    content = post.labels_pdf_render(people, post.SHEETS["L7160"])
    assert content.count(b"/Type /Page\n") + content.count(b"/Type /Page ") >= 2
    text = _pdf_text(content)
    assert all(f"N{n:02d} Many" in text for n in range(23))


def test_label_sheet_must_be_chosen(client, officer_a, cast):
    client.force_login(officer_a)
    response = _post_action(
        client, "labels_pdf", [cast["paper"]], sheet="L9999", apply="1"
    )
    assert response.status_code == 200
    assert "text/html" in response["Content-Type"]
    assert "That choice is not on the list" in response.text
    assert not AuditEntry.objects.filter(action="person.labels").exists()


def test_mail_merge_csv_has_only_members_without_email(client, officer_a, cast):
    client.force_login(officer_a)
    response = _post_action(client, "mail_merge_csv", list(cast.values()))
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    names = {r["last_name"] for r in rows}
    assert names == {"Paper", "Arrears", "Formula"}
    paper = next(r for r in rows if r["last_name"] == "Paper")
    assert paper["address_line_1"] == "1 Paper Road"
    assert paper["town"] == "Birmingham" and paper["postcode"] == "B8 1AA"
    assert (
        paper["membership_number"] == cast["paper"].memberships.get().membership_number
    )
    formula = next(r for r in rows if r["last_name"] == "Formula")
    assert formula["first_name"] == "'=HYPERLINK(1)"
    entry = AuditEntry.objects.get(action="person.mail_merge")
    assert entry.row_count == 3


def test_select_all_is_still_scoped(client, officer_a, cast, clp_a):
    client.force_login(officer_a)
    response = client.post(
        reverse("admin:members_person_changelist"),
        {
            "action": "mail_merge_csv",
            "_selected_action": [cast["paper"].pk],
            "select_across": "1",
            "index": "0",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Paper" in body and "Formula" in body
    assert "Berkshire" not in body
    entry = AuditEntry.objects.get(action="person.mail_merge")
    assert entry.constituency_id == clp_a.pk


def test_smuggled_other_clp_id_is_ignored(client, officer_a, cast):
    client.force_login(officer_a)
    response = _post_action(client, "mail_merge_csv", [cast["other_clp"]])
    # Nothing the officer may see was selected: a file with the header only.
    assert response.status_code == 200
    body = response.content.decode()
    assert "Berkshire" not in body and body.count("\n") == 1
    assert AuditEntry.objects.get(action="person.mail_merge").row_count == 0


def test_officer_without_export_right_has_no_post_actions(client, clp_a, cast):
    client.force_login(factories.officer(clp_a, role="treasurer"))
    page = client.get(reverse("admin:members_person_changelist"))
    assert page.status_code == 200
    assert "labels_pdf" not in page.text and "mail_merge_csv" not in page.text
    response = _post_action(client, "mail_merge_csv", [cast["paper"]])
    assert not AuditEntry.objects.filter(action="person.mail_merge").exists()
    assert response["Content-Type"].startswith("text/html")  # no file


def test_nobody_to_post_to_is_audited_with_zero(clp_a):
    emailed = member(clp_a, first_name="E", last_name="Mail")
    content = post.mail_merge_csv(
        people=Person.objects.filter(pk=emailed.pk), actor=None
    )
    assert content.strip().count("\n") == 0  # the header only
    assert AuditEntry.objects.get(action="person.mail_merge").row_count == 0


def test_people_list_filters_those_without_email(client, officer_a, cast):
    client.force_login(officer_a)
    response = client.get(
        reverse("admin:members_person_changelist"), {"has_email": "no"}
    )
    assert "Paper" in response.text and "Emailed" not in response.text
    assert "Berkshire" not in response.text


def test_labels_print_names_beyond_latin_1(clp_a):
    import pytest

    from members import post
    from partyhub import pdf
    from tests import factories

    if pdf.unicode_font() is None:
        pytest.skip("no Unicode font on this system")
    person = factories.PersonFactory(
        constituency=clp_a,
        first_name="Łukasz",
        last_name="Wiśniewski",
        email="",
        address_line_1="1 High Street",
        postcode="B8 1AA",
    )
    content = post.labels_pdf_render([person], post.SHEETS["L7160"])
    # Helvetica would draw a ZapfDingbats box for Ł and ś.
    assert b"ZapfDingbats" not in content
    assert b"DejaVuSans" in content
    # Plain lines stay in Helvetica, as searchable text.
    assert b"(1 High Street) Tj" in content


def test_no_label_for_members_who_refused_post_or_any_contact(client, clp_a):
    from members import post
    from members.models import Person
    from partyhub.comms.consent import consent_record
    from partyhub.comms.models import Channel, Method
    from tests import factories

    def paper(last):
        person = factories.PersonFactory(
            constituency=clp_a,
            first_name="Pat",
            last_name=last,
            email="",
            address_line_1=f"1 {last} Road",
            postcode="B8 1AA",
        )
        factories.MembershipFactory(person=person)
        return person

    keen, no_post, no_contact = paper("Keen"), paper("Nopost"), paper("Nocontact")
    consent_record(
        person=no_post, channel=Channel.POST, granted=False, method=Method.PORTAL
    )
    consent_record(
        person=no_contact, channel=Channel.ANY, granted=False, method=Method.PORTAL
    )
    assert list(post.postal_recipients(Person.objects.all())) == [keen]
    merge = post.mail_merge_csv(people=Person.objects.all(), actor=None)
    assert "Keen" in merge and "Nopost" not in merge and "Nocontact" not in merge
