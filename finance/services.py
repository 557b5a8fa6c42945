"""Every write of the finance app: in a transaction, audited, refused with a
DomainError a person can read.

Donations follow PPERA for an accounting unit: a donation over
FINANCE_PERMISSIBILITY_THRESHOLD cannot be accepted until its permissibility check
is recorded (and found permissible); an impermissible one can only be returned;
each must be accepted or returned within FINANCE_DECISION_DAYS of receipt.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from finance.access import may_delegate, may_handle
from finance.audit import FinanceAction
from finance.models import (
    NEEDS_COMPANY_NUMBER,
    BookingPayment,
    Budget,
    Category,
    Donation,
    Donor,
    DonorKind,
    Entry,
    FinanceDelegate,
    Fund,
)
from partyhub.audit.services import audit_log
from partyhub.errors import DomainError
from partyhub.updates import adopt, audit_detail, model_update


class FinanceError(DomainError):
    """A refusal in the finance app."""


# Who gave is for those with finance rights in the CLP; the audit log is read by
# every officer of it (and an officer of two CLPs reads both). So an entry about
# a donor or a donation names it by its id, and a change to who the donor is
# records that the field changed, not the old and new values.
DONOR_IDENTITY_FIELDS = frozenset(
    {"name", "address", "company_number", "person", "donor", "notes"}
)
HIDDEN = "(for finance officers)"


def _audit(
    *, obj: Any = None, detail: dict[str, Any] | None = None, **kwargs: Any
) -> Any:
    if isinstance(obj, (Donor, Donation)):
        if detail and "changes" in detail:
            detail = {
                **detail,
                "changes": {
                    name: {"old": HIDDEN, "new": HIDDEN}
                    if name in DONOR_IDENTITY_FIELDS
                    else change
                    for name, change in detail["changes"].items()
                },
            }
    entry = audit_log(obj=obj, detail=detail, **kwargs)
    if isinstance(obj, (Donor, Donation)):
        label = f"{obj._meta.verbose_name} {obj.pk}"
        type(entry).objects.filter(pk=entry.pk).update(object_repr=label)
        entry.object_repr = label
    return entry


def _require(actor: Any, constituency_id: int) -> None:
    if actor is not None and not may_handle(actor, constituency_id):
        raise FinanceError(
            _(
                "Only the treasurer and the chair of the constituency, and those "
                "they delegate to, can do this."
            )
        )


def _money(value: Any) -> Decimal:
    if isinstance(value, float):
        raise TypeError("Money is Decimal, never float.")
    amount = Decimal(value)
    if amount <= 0:
        raise FinanceError(_("The amount must be more than £0."))
    return amount.quantize(Decimal("0.01"))


# --- donors -------------------------------------------------------------------------


def donor_check(*, kind: str, person: Any, name: str, company_number: str) -> None:
    """The rules for a donor record, field by field (forms show each error next
    to its field)."""
    errors: dict[str, str] = {}
    if kind == DonorKind.INDIVIDUAL and person is None:
        errors["person"] = _("Choose the person who gave.")
    if kind != DonorKind.INDIVIDUAL and not name.strip():
        errors["name"] = _("Give the organisation's name.")
    if kind in NEEDS_COMPANY_NUMBER and not company_number.strip():
        errors["company_number"] = _(
            "A company's donation can only be recorded with its company number: "
            "give the Companies House number."
        )
    if errors:
        raise FinanceError(errors)


@transaction.atomic
def donor_create(
    *,
    actor: Any,
    constituency: Any,
    kind: str,
    person: Any = None,
    name: str = "",
    company_number: str = "",
    address: str = "",
) -> Donor:
    _require(actor, constituency.pk)
    name, company_number = name.strip(), company_number.strip().upper()
    donor_check(kind=kind, person=person, name=name, company_number=company_number)
    donor = Donor(
        constituency=constituency,
        kind=kind,
        person=person if kind == DonorKind.INDIVIDUAL else None,
        name=name,
        company_number=company_number,
        address=address.strip(),
    )
    donor.full_clean()
    donor.save()
    _audit(actor=actor, action=FinanceAction.DONOR_CREATED, obj=donor)
    return donor


@transaction.atomic
def donor_update(*, actor: Any, donor: Donor, **changes: Any) -> Donor:
    _require(actor, donor.constituency_id)
    if "company_number" in changes:
        changes["company_number"] = changes["company_number"].strip().upper()
    changed = model_update(
        instance=donor,
        changes=changes,
        fields=("kind", "person", "name", "company_number", "address"),
    )
    if changed:
        _audit(
            actor=actor,
            action=FinanceAction.DONOR_CHANGED,
            obj=donor,
            detail=audit_detail(changed),
        )
    return donor


def donor_for_person(*, actor: Any, constituency: Any, person: Any) -> Donor:
    """The person's donor record in this CLP, made the first time they give."""
    donor = Donor.objects.filter(
        constituency=constituency, kind=DonorKind.INDIVIDUAL, person=person
    ).first()
    return donor or donor_create(
        actor=actor, constituency=constituency, kind=DonorKind.INDIVIDUAL, person=person
    )


# --- donations ----------------------------------------------------------------------


@transaction.atomic
def donation_record(
    *,
    actor: Any,
    donor: Donor,
    value: Any,
    received_on: datetime.date,
    form: str = Donation.Form.MONEY,
    nature: str = "",
    method: str = "",
    notes: str = "",
    standing_order: Any = None,
) -> Donation:
    """Record a donation as received: it waits for a decision (accept or return)."""
    _require(actor, donor.constituency_id)
    if donor.kind in NEEDS_COMPANY_NUMBER and not donor.company_number:
        raise FinanceError(
            _(
                "A company's donation cannot be recorded without its company "
                "number: add it to the donor first."
            )
        )
    if form == Donation.Form.NON_CASH and not nature.strip():
        raise FinanceError(
            _("Say what a non-cash donation is (for example: hall hire, printing).")
        )
    donation = Donation(
        constituency_id=donor.constituency_id,
        donor=donor,
        value=_money(value),
        received_on=received_on,
        form=form,
        nature=nature.strip(),
        method=method or (Donation.Method.IN_KIND if form == "non_cash" else ""),
        notes=notes,
        standing_order=standing_order,
    )
    if standing_order is not None and standing_order.donor_id != donor.pk:
        raise FinanceError(_("This standing order is another donor's."))
    donation.full_clean()
    donation.save()
    _audit(
        actor=actor,
        action=FinanceAction.DONATION_RECORDED,
        obj=donation,
        detail={"value": str(donation.value), "form": form},
    )
    return donation


@transaction.atomic
def donation_check(
    *,
    actor: Any,
    donation: Donation,
    permissible: bool,
    evidence: str,
    checked_on: datetime.date | None = None,
) -> Donation:
    """Record the permissibility check and its evidence."""
    _require(actor, donation.constituency_id)
    donation = Donation.objects.select_for_update().get(pk=donation.pk)
    if donation.accepted_on or donation.returned_on:
        raise FinanceError(_("This donation has already been decided."))
    evidence = evidence.strip()
    donor = donation.donor
    if not evidence:
        if donor.kind == DonorKind.INDIVIDUAL:
            raise FinanceError(
                _(
                    "Say where you checked that the donor is on an electoral "
                    "register (the council and the register's date)."
                )
            )
        raise FinanceError(
            _("Say how you checked the donor is permissible (its registration).")
        )
    if donor.kind in NEEDS_COMPANY_NUMBER and not donor.company_number:
        raise FinanceError(
            _(
                "A company is permissible only if registered in the UK and carrying "
                "on business here: add its company number first."
            )
        )
    changed = model_update(
        instance=donation,
        changes={
            "permissible": permissible,
            "check_evidence": evidence,
            "checked_on": checked_on or timezone.localdate(),
            "checked_by": actor if getattr(actor, "pk", None) else None,
        },
        fields=("permissible", "check_evidence", "checked_on", "checked_by"),
    )
    _audit(
        actor=actor,
        action=FinanceAction.DONATION_CHECKED,
        obj=donation,
        detail=audit_detail(changed),
    )
    return donation


@transaction.atomic
def donation_accept(
    *, actor: Any, donation: Donation, accepted_on: datetime.date | None = None
) -> Donation:
    _require(actor, donation.constituency_id)
    donation = Donation.objects.select_for_update().get(pk=donation.pk)
    if donation.returned_on:
        raise FinanceError(_("This donation was returned; it cannot be accepted."))
    if donation.accepted_on:
        return donation
    if donation.permissible is False:
        raise FinanceError(
            _("The check found this donation impermissible: it must be returned.")
        )
    if donation.needs_check and donation.permissible is not True:
        raise FinanceError(
            _(
                "A donation over £%(threshold)s cannot be accepted until its "
                "permissibility check is recorded."
            )
            % {"threshold": f"{settings.FINANCE_PERMISSIBILITY_THRESHOLD:,.2f}"}
        )
    accepted_on = accepted_on or timezone.localdate()
    if accepted_on < donation.received_on:
        raise FinanceError(_("A donation cannot be accepted before it was received."))
    changed = model_update(
        instance=donation, changes={"accepted_on": accepted_on}, fields=("accepted_on",)
    )
    if donation.form == Donation.Form.MONEY:
        entry = Entry(
            constituency_id=donation.constituency_id,
            date=accepted_on,
            direction=Entry.Direction.INCOME,
            category=Category.DONATIONS,
            fund=Fund.GENERAL,
            amount=donation.value,
            description=str(_("Donation no. %(pk)s") % {"pk": donation.pk}),
            donation=donation,
        )
        entry.full_clean()
        entry.save()
    _audit(
        actor=actor,
        action=FinanceAction.DONATION_ACCEPTED,
        obj=donation,
        detail=audit_detail(changed),
    )
    return donation


@transaction.atomic
def donation_return(
    *,
    actor: Any,
    donation: Donation,
    reason: str,
    returned_on: datetime.date | None = None,
) -> Donation:
    _require(actor, donation.constituency_id)
    donation = Donation.objects.select_for_update().get(pk=donation.pk)
    if donation.accepted_on:
        raise FinanceError(
            _("This donation was accepted; record a refund in the books instead.")
        )
    if donation.returned_on:
        return donation
    if not reason.strip():
        raise FinanceError(_("Say why the donation was returned."))
    changed = model_update(
        instance=donation,
        changes={
            "returned_on": returned_on or timezone.localdate(),
            "return_reason": reason.strip(),
        },
        fields=("returned_on", "return_reason"),
    )
    _audit(
        actor=actor,
        action=FinanceAction.DONATION_RETURNED,
        obj=donation,
        detail=audit_detail(changed),
    )
    return donation


@transaction.atomic
def donation_notes(*, actor: Any, donation: Donation, notes: str) -> Donation:
    _require(actor, donation.constituency_id)
    changed = model_update(
        instance=donation, changes={"notes": notes}, fields=("notes",)
    )
    if changed:
        _audit(
            actor=actor,
            action=FinanceAction.DONATION_NOTES_CHANGED,
            obj=donation,
            detail=audit_detail(changed),
        )
    return donation


# --- delegation ---------------------------------------------------------------------


@transaction.atomic
def delegate_grant(
    *,
    actor: Any,
    constituency: Any,
    person: Any,
    ends: datetime.date | None = None,
) -> FinanceDelegate:
    if not may_delegate(actor, constituency.pk):
        raise FinanceError(
            _("Only the treasurer or the chair can let somebody see the finances.")
        )
    if person.constituency_id != constituency.pk:
        raise FinanceError(_("Choose somebody from this constituency."))
    row = FinanceDelegate.objects.create(
        constituency=constituency,
        person=person,
        granted_by=actor,
        starts=timezone.localdate(),
        ends=ends,
    )
    _audit(actor=actor, action=FinanceAction.DELEGATE_GRANTED, obj=row)
    return row


@transaction.atomic
def delegate_end(*, actor: Any, delegate: FinanceDelegate) -> FinanceDelegate:
    if not may_delegate(actor, delegate.constituency_id):
        raise FinanceError(
            _("Only the treasurer or the chair can change who sees the finances.")
        )
    changed = model_update(
        instance=delegate,
        changes={"ends": timezone.localdate() - datetime.timedelta(days=1)},
        fields=("ends",),
    )
    _audit(
        actor=actor,
        action=FinanceAction.DELEGATE_ENDED,
        obj=delegate,
        detail=audit_detail(changed),
    )
    return delegate


# --- the books ----------------------------------------------------------------------


ENTRY_FIELDS = (
    "date",
    "direction",
    "category",
    "fund",
    "amount",
    "description",
    "event",
    "campaign",
    "receipt",
)


@transaction.atomic
def entry_create(*, actor: Any, constituency: Any, **values: Any) -> Entry:
    _require(actor, constituency.pk)
    unknown = set(values) - set(ENTRY_FIELDS)
    if unknown:
        raise FinanceError(f"Unknown fields: {', '.join(sorted(unknown))}")
    values["amount"] = _money(values["amount"])
    entry = Entry(constituency=constituency, **values)
    entry.full_clean()
    entry.save()
    _audit(
        actor=actor,
        action=FinanceAction.ENTRY_CREATED,
        obj=entry,
        detail={"amount": str(entry.amount), "direction": entry.direction},
    )
    return entry


@transaction.atomic
def entry_update(*, actor: Any, entry: Entry, **changes: Any) -> Entry:
    _require(actor, entry.constituency_id)
    if entry.donation_id or hasattr(entry, "booking_payment"):
        locked = {"amount", "direction", "date"} & set(changes)
        locked = {f for f in locked if changes[f] != getattr(entry, f)}
        if locked:
            raise FinanceError(
                _(
                    "This entry comes from a donation or a booking payment: change "
                    "it there."
                )
            )
    if "amount" in changes:
        changes["amount"] = _money(changes["amount"])
    changed = model_update(instance=entry, changes=changes, fields=ENTRY_FIELDS)
    if changed:
        _audit(
            actor=actor,
            action=FinanceAction.ENTRY_CHANGED,
            obj=entry,
            detail=audit_detail(changed),
        )
    return entry


@transaction.atomic
def budget_save(
    *, actor: Any, constituency: Any, budget: Budget | None = None, **values: Any
) -> Budget:
    _require(actor, constituency.pk)
    fields = ("title", "event", "campaign", "planned_income", "planned_costs")
    if budget is None:
        budget = Budget(constituency=constituency, **values)
        budget.full_clean()
        budget.save()
        _audit(actor=actor, action=FinanceAction.BUDGET_CREATED, obj=budget)
        return budget
    changed = model_update(instance=budget, changes=values, fields=fields)
    if changed:
        _audit(
            actor=actor,
            action=FinanceAction.BUDGET_CHANGED,
            obj=budget,
            detail=audit_detail(changed),
        )
    return budget


# --- event money (issue 18.4) ---------------------------------------------------------


@dataclass
class PaymentResult:
    ok: bool
    reference: str = ""
    message: str = ""


class PaymentProvider(Protocol):
    """Takes a payment. Online card payment plugs in here (out of scope today)."""

    key: str

    def take(
        self, *, amount: Decimal, method: str, description: str
    ) -> PaymentResult: ...


class OfflinePaymentProvider:
    """Money taken by a person: cash at the door, a bank transfer seen on the
    statement, a card machine elsewhere. Nothing to call; it is recorded."""

    key = "offline"

    def take(self, *, amount: Decimal, method: str, description: str) -> PaymentResult:
        return PaymentResult(ok=True, reference="")


def payment_provider() -> PaymentProvider:
    return OfflinePaymentProvider()


def _price_of(booking: Any, concession: bool) -> Decimal | None:
    event = booking.event
    if concession and event.concession_price is not None:
        return Decimal(event.concession_price)
    return Decimal(event.price) if event.price is not None else None


@transaction.atomic
def booking_pay(
    *,
    actor: Any,
    booking: Any,
    constituency_id: int,
    method: str,
    concession: bool = False,
    amount: Any = None,
    provider: PaymentProvider | None = None,
) -> BookingPayment:
    """Take a booking's payment (at the door or after a transfer): recorded on
    the booking and as the event's income in the CLP's books. Paying twice is
    refused, so a double tap records one payment."""
    from events.models import Booking

    booking = (
        Booking.objects.select_for_update().select_related("event").get(pk=booking.pk)
    )
    if not booking.event.constituencies.filter(pk=constituency_id).exists():
        raise FinanceError(_("This event is not one of the constituency's."))
    # Whoever keeps the door for the CLP takes money: any officer of it.
    from partyhub.scoping import constituency_ids

    ids = constituency_ids(actor) if actor is not None else None
    if ids is not None and constituency_id not in ids:
        raise FinanceError(_("This event is not one of the constituency's."))
    if method not in BookingPayment.Method.values:
        raise FinanceError(_("Choose how they paid."))
    if BookingPayment.objects.filter(booking=booking).exists():
        raise FinanceError(_("%(name)s has already paid.") % {"name": booking.person})
    price = _price_of(booking, concession)
    value = _money(
        amount if amount not in (None, "") else (price or 0) * booking.places
    )
    result = (provider or payment_provider()).take(
        amount=value, method=method, description=booking.event.title
    )
    if not result.ok:
        raise FinanceError(result.message or _("The payment did not go through."))
    now = timezone.now()
    entry = Entry.objects.create(
        constituency_id=constituency_id,
        date=timezone.localdate(now),
        direction=Entry.Direction.INCOME,
        category=Category.EVENTS,
        fund=Fund.GENERAL,
        amount=value,
        description=str(_("Ticket: %(event)s") % {"event": booking.event.title}),
        event=booking.event,
    )
    payment = BookingPayment.objects.create(
        constituency_id=constituency_id,
        booking=booking,
        amount=value,
        method=method,
        concession=concession,
        reference=result.reference,
        paid_at=now,
        recorded_by=actor if getattr(actor, "pk", None) else None,
        entry=entry,
    )
    _audit(
        actor=actor,
        action=FinanceAction.BOOKING_PAID,
        obj=payment,
        detail={"amount": str(value), "method": method, "concession": concession},
    )
    return payment


# --- bank reconciliation ---------------------------------------------------------------

MATCH_DAYS = 7


@dataclass
class StatementImport:
    added: int
    already: int
    matched: int


def _parse_money(text: str) -> Decimal | None:
    cleaned = text.replace("£", "").replace(",", "").strip()
    if not cleaned:
        return None
    negative = cleaned.startswith("(") and cleaned.endswith(")")
    cleaned = cleaned.strip("()")
    try:
        value = Decimal(cleaned)
    except ArithmeticError as exc:
        raise ValueError(cleaned) from exc
    return -value if negative else value


def _parse_date(text: str) -> datetime.date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y", "%d %b %Y"):
        try:
            return datetime.datetime.strptime(text.strip(), fmt).date()  # noqa: DTZ007 — a date
        except ValueError:
            continue
    raise ValueError(text)


def statement_rows(text: str) -> list[tuple[datetime.date, str, Decimal]]:
    """A bank's CSV statement: a header with Date and Description, and either an
    Amount column (negative for money out) or Paid in / Paid out columns. A bad
    row is refused with its line number."""
    import csv
    import io

    from partyhub.csvrows import NumberedReader

    reader = NumberedReader(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration as exc:
        raise FinanceError(_("The file is empty.")) from exc

    def col(*names: str) -> int | None:
        for name in names:
            if name in header:
                return header.index(name)
        return None

    date_col = col("date", "transaction date")
    desc_col = col("description", "details", "narrative", "memo")
    amount_col = col("amount", "value")
    in_col = col("paid in", "credit", "money in")
    out_col = col("paid out", "debit", "money out")
    if (
        date_col is None
        or desc_col is None
        or (amount_col is None and (in_col is None or out_col is None))
    ):
        raise FinanceError(
            _(
                "The first line must name the columns: Date, Description, and "
                "Amount (or Paid in and Paid out)."
            )
        )
    rows = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        try:
            day = _parse_date(cells[date_col])
            if amount_col is not None:
                amount = _parse_money(cells[amount_col])
            else:
                paid_in = _parse_money(cells[in_col]) if in_col is not None else None
                paid_out = _parse_money(cells[out_col]) if out_col is not None else None
                amount = paid_in if paid_in else (-paid_out if paid_out else None)
            if amount is None:
                raise ValueError("no amount")
            rows.append((day, cells[desc_col].strip()[:300], amount))
        except (ValueError, IndexError) as exc:
            raise FinanceError(
                _("Line %(line)d: a date and an amount are needed (%(what)s).")
                % {"line": reader.row_start, "what": ", ".join(cells)[:80]}
            ) from exc
    return rows


@transaction.atomic
def statement_import(*, actor: Any, constituency: Any, text: str) -> StatementImport:
    """Import a statement and match its lines to the books. Importing the same
    statement (or an overlapping one) again adds only the lines not seen yet."""
    import hashlib
    from collections import Counter

    from finance.models import BankLine

    _require(actor, constituency.pk)
    rows = statement_rows(text)
    seen: Counter[tuple[Any, ...]] = Counter()
    added = already = 0
    for day, description, amount in rows:
        key = (day.isoformat(), str(amount), description)
        seen[key] += 1
        fingerprint = hashlib.sha256(
            "|".join([*key, str(seen[key])]).encode()
        ).hexdigest()
        _line, created = BankLine.objects.get_or_create(
            constituency=constituency,
            fingerprint=fingerprint,
            defaults={"date": day, "description": description, "amount": amount},
        )
        added += created
        already += not created
    matched = _reconcile(constituency=constituency)
    _audit(
        actor=actor,
        action=FinanceAction.STATEMENT_IMPORTED,
        constituency_id=constituency.pk,
        row_count=added,
        detail={"added": added, "already": already, "matched": matched},
    )
    return StatementImport(added=added, already=already, matched=matched)


def _reconcile(*, constituency: Any) -> int:
    """Match unmatched statement lines to unmatched entries of the same amount
    (money in to income, out to expenditure) within MATCH_DAYS, nearest date
    first. Returns how many were matched."""
    from finance.models import BankLine

    lines = list(
        BankLine.objects.filter(constituency=constituency, entry__isnull=True)
        .select_for_update()
        .order_by("date", "pk")
    )
    if not lines:
        return 0
    start = min(line.date for line in lines) - datetime.timedelta(days=MATCH_DAYS)
    end = max(line.date for line in lines) + datetime.timedelta(days=MATCH_DAYS)
    free = list(
        Entry.objects.filter(
            constituency=constituency,
            bank_line__isnull=True,
            date__gte=start,
            date__lte=end,
        ).order_by("date", "pk")
    )
    matched = 0
    for line in lines:
        candidates = [
            e
            for e in free
            if e.signed == line.amount and abs((e.date - line.date).days) <= MATCH_DAYS
        ]
        if not candidates:
            continue
        best = min(candidates, key=lambda e: (abs((e.date - line.date).days), e.pk))
        free.remove(best)
        line.entry = best
        line.save(update_fields=["entry"])
        matched += 1
    return matched


@transaction.atomic
def bank_line_match(*, actor: Any, line: Any, entry: Entry | None) -> Any:
    """Match (or unmatch) a statement line to an entry by hand."""
    _require(actor, line.constituency_id)
    if entry is not None:
        if entry.constituency_id != line.constituency_id:
            raise FinanceError(_("Choose an entry in this constituency's books."))
        if entry.signed != line.amount:
            raise FinanceError(
                _("The entry's amount (£%(entry)s) is not the statement's (£%(line)s).")
                % {"entry": entry.signed, "line": line.amount}
            )
    changed = model_update(instance=line, changes={"entry": entry}, fields=("entry",))
    if changed:
        _audit(
            actor=actor,
            action=FinanceAction.BANK_LINE_MATCHED,
            obj=line,
            detail=audit_detail(changed),
        )
    return line


# --- regular giving (issue 18.5) ----------------------------------------------------------


@transaction.atomic
def standing_order_create(
    *,
    actor: Any,
    donor: Donor,
    amount: Any,
    frequency: str,
    first_payment: datetime.date,
    reference: str = "",
) -> Any:
    from finance.models import StandingOrder

    _require(actor, donor.constituency_id)
    order = StandingOrder(
        constituency_id=donor.constituency_id,
        donor=donor,
        amount=_money(amount),
        frequency=frequency,
        first_payment=first_payment,
        reference=reference.strip(),
    )
    order.full_clean()
    order.save()
    _audit(actor=actor, action=FinanceAction.STANDING_ORDER_CREATED, obj=order)
    return order


@transaction.atomic
def standing_order_stop(*, actor: Any, order: Any, ends: datetime.date) -> Any:
    _require(actor, order.constituency_id)
    changed = model_update(instance=order, changes={"ends": ends}, fields=("ends",))
    if changed:
        _audit(
            actor=actor,
            action=FinanceAction.STANDING_ORDER_STOPPED,
            obj=order,
            detail=audit_detail(changed),
        )
    return order


REMINDER_THANK_YOU = "finance_thank_you"


@transaction.atomic
def donation_thank(*, actor: Any, donation: Donation) -> bool:
    """Email the donor a thank-you, once per donation (asking twice sends one).
    An organisation, or a person without an email address, gets a letter: see
    `thank_you_letters_csv`. Returns whether an email was scheduled."""
    from partyhub.comms.reminders import reminder_schedule

    _require(actor, donation.constituency_id)
    person = donation.donor.person
    if person is None or not person.email:
        return False
    reminder_schedule(
        kind=REMINDER_THANK_YOU,
        person=person,
        due_at=timezone.now(),
        about=donation,
        key=f"{REMINDER_THANK_YOU}:{donation.pk}",
    )
    _audit(actor=actor, action=FinanceAction.THANK_YOU_SENT, obj=donation)
    return True


def thank_you_letters_csv(*, actor: Any, donations: Any) -> str:
    """A mail merge file of thank-you letters: name, address, amount, date."""
    import csv
    import io

    from partyhub.exports import csv_cell

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "address", "postcode", "amount", "received_on"])
    rows = 0
    for d in donations.select_related("donor", "donor__person"):
        _require(actor, d.constituency_id)
        person = d.donor.person
        if person is not None:
            name = f"{person.first_name} {person.last_name}".strip()
            address = ", ".join(
                p
                for p in (person.address_line_1, person.address_line_2, person.town)
                if p
            )
            postcode = person.postcode or ""
        else:
            name, address, postcode = d.donor.name, d.donor.address, ""
        writer.writerow(
            [
                csv_cell(v)
                for v in (
                    name,
                    address.replace("\n", ", "),
                    postcode,
                    f"{d.value:.2f}",
                    d.received_on.isoformat(),
                )
            ]
        )
        rows += 1
    _audit(
        actor=actor,
        action=FinanceAction.THANK_YOU_LETTERS,
        row_count=rows,
    )
    return out.getvalue()


# --- lotteries (issue 18.6) -------------------------------------------------------------


def _age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def return_due(lottery: Any) -> datetime.date:
    """The return to the local authority: within three months of the draw."""
    months = settings.FINANCE_LOTTERY_RETURN_MONTHS
    month0 = lottery.draw_date.month - 1 + months
    year = lottery.draw_date.year + month0 // 12
    month = month0 % 12 + 1
    from finance.models import _days_in

    return datetime.date(year, month, min(lottery.draw_date.day, _days_in(year, month)))


@transaction.atomic
def lottery_create(*, actor: Any, constituency: Any, **values: Any) -> Any:
    from finance.models import Lottery

    _require(actor, constituency.pk)
    if (
        not values.get("registration_number", "").strip()
        or not values.get("local_authority", "").strip()
    ):
        raise FinanceError(
            _(
                "A society lottery needs its registration with the local "
                "authority: give the council and the registration number."
            )
        )
    lottery = Lottery(constituency=constituency, **values)
    lottery_rules(lottery, proceeds=Decimal(0), at_draw=False)
    lottery.full_clean()
    lottery.save()
    _audit(actor=actor, action=FinanceAction.LOTTERY_CREATED, obj=lottery)
    return lottery


def lottery_proceeds(lottery: Any) -> Decimal:
    from django.db.models import Sum

    total = lottery.tickets.aggregate(total=Sum("price"))["total"]
    return total or Decimal("0.00")


def lottery_rules(lottery: Any, *, proceeds: Decimal, at_draw: bool) -> None:
    """The prize cap, the proceeds cap, and (at the draw) at least 20% of the
    proceeds to the society's purposes."""
    if lottery.largest_prize > settings.FINANCE_LOTTERY_MAX_PRIZE:
        raise FinanceError(
            _("No prize may be over £%(cap)s.")
            % {"cap": f"{settings.FINANCE_LOTTERY_MAX_PRIZE:,.2f}"}
        )
    if lottery.largest_prize > lottery.prize_total:
        raise FinanceError(_("The largest prize cannot be more than all the prizes."))
    if proceeds > settings.FINANCE_LOTTERY_MAX_PROCEEDS:
        raise FinanceError(
            _("A small society lottery may take at most £%(cap)s.")
            % {"cap": f"{settings.FINANCE_LOTTERY_MAX_PROCEEDS:,.2f}"}
        )
    if at_draw:
        share = settings.FINANCE_LOTTERY_MIN_PURPOSES_PERCENT / Decimal(100)
        purposes = proceeds - lottery.prize_total - lottery.expenses
        if purposes < (proceeds * share).quantize(Decimal("0.01")):
            raise FinanceError(
                _(
                    "At least %(pc)s%% of the proceeds (£%(need)s of £%(proceeds)s) "
                    "must go to the party's purposes: prizes and expenses leave "
                    "£%(left)s."
                )
                % {
                    "pc": settings.FINANCE_LOTTERY_MIN_PURPOSES_PERCENT,
                    "need": f"{proceeds * share:,.2f}",
                    "proceeds": f"{proceeds:,.2f}",
                    "left": f"{purposes:,.2f}",
                }
            )


def ticket_check(
    *, lottery: Any, date_of_birth: datetime.date, sold_on: datetime.date
) -> None:
    """May this ticket be sold? (forms ask before the sale)"""
    if lottery.drawn_at is not None or sold_on > lottery.draw_date:
        raise FinanceError(_("The draw has been made: no more tickets."))
    if _age_on(date_of_birth, sold_on) < settings.FINANCE_LOTTERY_MIN_AGE:
        raise FinanceError(
            _("Lottery tickets can only be sold to people aged %(age)d or over.")
            % {"age": settings.FINANCE_LOTTERY_MIN_AGE}
        )
    lottery_rules(
        lottery,
        proceeds=lottery_proceeds(lottery) + lottery.ticket_price,
        at_draw=False,
    )


@transaction.atomic
def ticket_sell(
    *,
    actor: Any,
    lottery: Any,
    person: Any,
    date_of_birth: datetime.date,
    sold_on: datetime.date | None = None,
) -> Any:
    from django.db.models import Max

    from finance.models import Lottery, LotteryTicket

    _require(actor, lottery.constituency_id)
    lottery = Lottery.objects.select_for_update().get(pk=lottery.pk)
    sold_on = sold_on or timezone.localdate()
    ticket_check(lottery=lottery, date_of_birth=date_of_birth, sold_on=sold_on)
    number = (lottery.tickets.aggregate(n=Max("number"))["n"] or 0) + 1
    ticket = LotteryTicket.objects.create(
        lottery=lottery,
        number=number,
        person=person,
        date_of_birth=date_of_birth,
        price=lottery.ticket_price,
        sold_on=sold_on,
    )
    _audit(
        actor=actor,
        action=FinanceAction.LOTTERY_TICKET_SOLD,
        obj=lottery,
        detail={"ticket": number},
    )
    return ticket


@transaction.atomic
def lottery_draw(*, actor: Any, lottery: Any, seed: str | None = None) -> Any:
    """Draw once, on or after the draw date, with the supporters' reproducible
    draw: seed, entrants and winners are recorded so anyone can re-run it."""
    import secrets

    from finance.models import Lottery
    from supporters.services.draws import reproducible_draw

    _require(actor, lottery.constituency_id)
    lottery = Lottery.objects.select_for_update().get(pk=lottery.pk)
    if lottery.drawn_at is not None:
        raise FinanceError(_("This lottery has already been drawn."))
    if timezone.localdate() < lottery.draw_date:
        raise FinanceError(
            _("The draw is on %(day)s.")
            % {"day": lottery.draw_date.strftime("%d/%m/%Y")}
        )
    entrants = sorted(lottery.tickets.values_list("number", flat=True))
    if not entrants:
        raise FinanceError(_("No tickets were sold."))
    lottery_rules(lottery, proceeds=lottery_proceeds(lottery), at_draw=True)
    lottery.seed = seed or secrets.token_hex(16)
    lottery.entrants = entrants
    lottery.winners = reproducible_draw(lottery.seed, entrants, lottery.prizes)
    lottery.drawn_at = timezone.now()
    lottery.save(update_fields=["seed", "entrants", "winners", "drawn_at"])
    _audit(
        actor=actor,
        action=FinanceAction.LOTTERY_DRAWN,
        obj=lottery,
        row_count=len(entrants),
        detail={"seed": lottery.seed, "winners": lottery.winners},
    )
    return lottery


def lottery_verify(lottery: Any) -> bool:
    from supporters.services.draws import reproducible_draw

    if lottery.drawn_at is None:
        return False
    return reproducible_draw(
        lottery.seed, list(lottery.entrants), lottery.prizes
    ) == list(lottery.winners)


@transaction.atomic
def lottery_return_sent(*, actor: Any, lottery: Any, sent_on: datetime.date) -> Any:
    from finance.models import Lottery

    _require(actor, lottery.constituency_id)
    lottery = Lottery.objects.select_for_update().get(pk=lottery.pk)
    if lottery.drawn_at is None:
        raise FinanceError(_("The return is made after the draw."))
    changed = model_update(
        instance=lottery,
        changes={"return_sent_on": sent_on},
        fields=("return_sent_on",),
    )
    _audit(
        actor=actor,
        action=FinanceAction.LOTTERY_RETURN_SENT,
        obj=lottery,
        detail=audit_detail(changed),
    )
    return lottery


# --- the admin's writes (partyhub.admin_base.ServiceWrites) ------------------------------
# Each admin form's save goes to one of these: a create gets the record the form
# built (unsaved) and records it through the service with the rules, an update
# gets the record as stored and the fields the officer changed. The record the
# form built takes the saved row's id, so the admin's history and redirect work.


def donor_admin_create(*, instance: Donor, actor: Any) -> Donor:
    return adopt(
        instance,
        donor_create(
            actor=actor,
            constituency=instance.constituency,
            kind=instance.kind,
            person=instance.person,
            name=instance.name or "",
            company_number=instance.company_number or "",
            address=instance.address or "",
        ),
    )


def donor_admin_update(
    *, instance: Donor, changes: dict[str, Any], actor: Any
) -> Donor:
    changes = {k: v for k, v in changes.items() if k != "constituency"}
    return donor_update(actor=actor, donor=instance, **changes)


def donation_admin_create(*, instance: Donation, actor: Any) -> Donation:
    return adopt(
        instance,
        donation_record(
            actor=actor,
            donor=instance.donor,
            value=instance.value,
            received_on=instance.received_on,
            form=instance.form,
            nature=instance.nature or "",
            method=instance.method or "",
            notes=instance.notes or "",
        ),
    )


def donation_admin_update(
    *, instance: Donation, changes: dict[str, Any], actor: Any
) -> Donation:
    # Once recorded, only the notes change here; the rest has its own buttons.
    if "notes" not in changes:
        return instance
    return donation_notes(actor=actor, donation=instance, notes=changes["notes"] or "")


def entry_admin_create(*, instance: Entry, actor: Any) -> Entry:
    values = {
        k: getattr(instance, k)
        for k in ENTRY_FIELDS
        if getattr(instance, k, None) not in (None, "")
    }
    return adopt(
        instance,
        entry_create(actor=actor, constituency=instance.constituency, **values),
    )


def entry_admin_update(
    *, instance: Entry, changes: dict[str, Any], actor: Any
) -> Entry:
    changes = {k: v for k, v in changes.items() if k != "constituency"}
    return entry_update(actor=actor, entry=instance, **changes)


BUDGET_FIELDS = ("title", "event", "campaign", "planned_income", "planned_costs")


def budget_admin_create(*, instance: Budget, actor: Any) -> Budget:
    values = {k: getattr(instance, k) for k in BUDGET_FIELDS}
    return adopt(
        instance,
        budget_save(actor=actor, constituency=instance.constituency, **values),
    )


def budget_admin_update(
    *, instance: Budget, changes: dict[str, Any], actor: Any
) -> Budget:
    values = {k: v for k, v in changes.items() if k in BUDGET_FIELDS}
    return budget_save(
        actor=actor, constituency=instance.constituency, budget=instance, **values
    )


def delegate_admin_create(*, instance: FinanceDelegate, actor: Any) -> FinanceDelegate:
    return adopt(
        instance,
        delegate_grant(
            actor=actor,
            constituency=instance.constituency,
            person=instance.person,
            ends=instance.ends,
        ),
    )


def delegate_admin_update(
    *, instance: FinanceDelegate, changes: dict[str, Any], actor: Any
) -> FinanceDelegate:
    if "ends" not in changes:
        return instance
    return delegate_end(actor=actor, delegate=instance)


def bank_line_admin_update(
    *, instance: Any, changes: dict[str, Any], actor: Any
) -> Any:
    if "entry" not in changes:
        return instance
    return bank_line_match(actor=actor, line=instance, entry=changes["entry"])


def standing_order_admin_create(*, instance: Any, actor: Any) -> Any:
    return adopt(
        instance,
        standing_order_create(
            actor=actor,
            donor=instance.donor,
            amount=instance.amount,
            frequency=instance.frequency,
            first_payment=instance.first_payment,
            reference=instance.reference or "",
        ),
    )


def standing_order_admin_update(
    *, instance: Any, changes: dict[str, Any], actor: Any
) -> Any:
    if "ends" not in changes:
        return instance
    return standing_order_stop(actor=actor, order=instance, ends=changes["ends"])


# What the lottery form asks for (finance.admin.LotteryForm).
LOTTERY_FIELDS = (
    "constituency",
    "name",
    "local_authority",
    "registration_number",
    "ticket_price",
    "draw_date",
    "prizes",
    "largest_prize",
    "prize_total",
    "expenses",
    "return_sent_on",
)


def lottery_admin_create(*, instance: Any, actor: Any) -> Any:
    values = {
        k: getattr(instance, k)
        for k in LOTTERY_FIELDS
        if k not in ("constituency", "return_sent_on")
    }
    return adopt(
        instance,
        lottery_create(actor=actor, constituency=instance.constituency, **values),
    )


def lottery_admin_update(*, instance: Any, changes: dict[str, Any], actor: Any) -> Any:
    if not changes.get("return_sent_on"):
        return instance
    return lottery_return_sent(
        actor=actor, lottery=instance, sent_on=changes["return_sent_on"]
    )


def ticket_admin_create(*, instance: Any, actor: Any) -> Any:
    return adopt(
        instance,
        ticket_sell(
            actor=actor,
            lottery=instance.lottery,
            person=instance.person,
            date_of_birth=instance.date_of_birth,
            sold_on=instance.sold_on,
        ),
    )
