"""Bank reconciliation: a statement CSV is imported once, its lines matched to
the books by amount and date; a bad line is refused with its line number."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from finance import services
from finance.models import BankLine
from partyhub.errors import DomainError

D = datetime.date

STATEMENT = """Date,Description,Paid in,Paid out
03/03/2026,QUIZ TICKETS,248.00,
04/03/2026,ST JOHNS HALL,,90.00
05/03/2026,UNKNOWN CREDIT,12.00,
"""


def _entry(actor, clp, direction, amount, day, description):
    return services.entry_create(
        actor=actor, constituency=clp, date=day, direction=direction,
        category="other", amount=Decimal(amount), description=description,
    )  # fmt: skip


def test_a_statement_is_matched_to_the_books_once(client, clp_a, treasurer_a):
    tickets = _entry(treasurer_a, clp_a, "in", "248.00", D(2026, 3, 1), "Tickets")
    hall = _entry(treasurer_a, clp_a, "out", "90.00", D(2026, 3, 2), "Hall")
    _entry(treasurer_a, clp_a, "in", "90.00", D(2026, 3, 4), "Not the hall")
    client.force_login(treasurer_a)
    response = client.post(
        reverse("admin:finance_bankline_import"),
        {"constituency": clp_a.pk,
         "file": SimpleUploadedFile("s.csv", STATEMENT.encode())},
        follow=True,
    )  # fmt: skip
    assert "3 new lines (0 already imported); 2 matched" in response.text
    lines = {line.description: line for line in BankLine.objects.all()}
    assert lines["QUIZ TICKETS"].entry == tickets
    assert lines["ST JOHNS HALL"].entry == hall
    assert lines["ST JOHNS HALL"].amount == Decimal("-90.00")
    assert lines["UNKNOWN CREDIT"].entry is None
    again = services.statement_import(
        actor=treasurer_a, constituency=clp_a, text=STATEMENT
    )
    assert (again.added, again.already) == (0, 3)
    assert BankLine.objects.count() == 3


def test_a_bad_line_is_refused_with_its_number(clp_a, treasurer_a):
    with pytest.raises(DomainError, match="Line 3"):
        services.statement_import(
            actor=treasurer_a, constituency=clp_a,
            text="Date,Description,Amount\n01/01/2026,A,5\nnot a date,B,6\n",
        )  # fmt: skip
    assert not BankLine.objects.exists()


def test_another_clps_treasurer_cannot_import_here(clp_a, treasurer_b):
    with pytest.raises(DomainError):
        services.statement_import(actor=treasurer_b, constituency=clp_a,
                                  text=STATEMENT)  # fmt: skip
