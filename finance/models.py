"""The CLP's money: donations under PPERA, the books, event payments.

Money is `DecimalField` everywhere (pounds, two places), never float. Every model
belongs to one constituency (`scope_lookup = "constituency"`): a CLP is its own
accounting unit.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from partyhub.scoping import ScopedManager

PENNY = Decimal("0.01")


def money(verbose: Any, **kwargs: Any) -> models.DecimalField[Any, Decimal]:
    return models.DecimalField(
        verbose,
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(PENNY)],
        **kwargs,
    )


class DonorKind(models.TextChoices):
    """The donor statuses of the Electoral Commission's returns."""

    INDIVIDUAL = "individual", _("Individual")
    COMPANY = "company", _("Company")
    TRADE_UNION = "trade_union", _("Trade union")
    BUILDING_SOCIETY = "building_society", _("Building society")
    FRIENDLY_SOCIETY = "friendly_society", _("Friendly society")
    LLP = "llp", _("Limited liability partnership")
    UNINCORPORATED = "unincorporated", _("Unincorporated association")
    PARTY = "party", _("Registered political party")


# Organisations registered at Companies House carry a number.
NEEDS_COMPANY_NUMBER = {DonorKind.COMPANY, DonorKind.LLP}


class Donor(models.Model):
    """A source of donations: a person we know, or an organisation."""

    constituency = models.ForeignKey(
        "members.Constituency",
        on_delete=models.PROTECT,
        related_name="donors",
        verbose_name=_("constituency"),
    )
    kind = models.CharField(
        _("donor type"),
        max_length=20,
        choices=DonorKind.choices,
        default=DonorKind.INDIVIDUAL,
    )
    person = models.ForeignKey(
        "members.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="donor_records",
        verbose_name=_("person"),
        help_text=_("For an individual: the member or supporter who gave."),
    )
    name = models.CharField(
        _("organisation name"),
        max_length=200,
        blank=True,
        help_text=_("For an organisation: its name as registered."),
    )
    company_number = models.CharField(
        _("company number"),
        max_length=20,
        blank=True,
        help_text=_("Companies House number (companies and LLPs)."),
    )
    address = models.TextField(
        _("address"),
        blank=True,
        help_text=_("The address the Electoral Commission's return asks for."),
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_lookup = "constituency"

    class Meta:
        verbose_name = _("donor")
        verbose_name_plural = _("donors")
        ordering = ("name", "pk")
        constraints = [
            models.CheckConstraint(
                name="finance_donor_individual_is_a_person",
                condition=~models.Q(kind="individual") | models.Q(person__isnull=False),
            ),
            # One source, one record per CLP: aggregation is per source.
            models.UniqueConstraint(
                fields=["constituency", "person"],
                condition=models.Q(person__isnull=False),
                name="finance_donor_one_per_person",
            ),
            models.UniqueConstraint(
                fields=["constituency", "company_number"],
                condition=~models.Q(company_number=""),
                name="finance_donor_one_per_company",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == DonorKind.INDIVIDUAL and self.person_id:
            return str(self.person)
        return self.name or str(_("Donor %(pk)s") % {"pk": self.pk})


class StandingOrder(models.Model):
    """Regular giving: a standing order (or other recurring gift) and what it
    should bring in. Each payment that arrives is recorded as a donation of it,
    so the calendar year's aggregation counts it."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        YEARLY = "yearly", _("Yearly")

    constituency = models.ForeignKey(
        "members.Constituency",
        on_delete=models.PROTECT,
        related_name="standing_orders",
        verbose_name=_("constituency"),
    )
    donor = models.ForeignKey(
        Donor, on_delete=models.PROTECT, related_name="standing_orders"
    )
    amount = money(_("expected amount (£)"))
    frequency = models.CharField(
        _("how often"),
        max_length=10,
        choices=Frequency.choices,
        default=Frequency.MONTHLY,
    )
    first_payment = models.DateField(_("first payment due"))
    ends = models.DateField(_("stopped on"), null=True, blank=True)
    reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_lookup = "constituency"

    class Meta:
        verbose_name = _("standing order")
        verbose_name_plural = _("standing orders (regular giving)")
        ordering = ("first_payment", "pk")

    def __str__(self) -> str:
        return f"£{self.amount:,.2f} {self.get_frequency_display().lower()}"

    def due_dates(self, until: datetime.date) -> list[datetime.date]:
        """The dates payments were due, from the first to `until` (or the end)."""
        step = {"monthly": 1, "quarterly": 3, "yearly": 12}[self.frequency]
        last = min(until, self.ends) if self.ends else until
        dates: list[datetime.date] = []
        n = 0
        while True:
            month0 = self.first_payment.month - 1 + n * step
            year = self.first_payment.year + month0 // 12
            month = month0 % 12 + 1
            day = min(self.first_payment.day, _days_in(year, month))
            due = datetime.date(year, month, day)
            if due > last:
                return dates
            dates.append(due)
            n += 1


def _days_in(year: int, month: int) -> int:
    nxt = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return (nxt - datetime.timedelta(days=1)).day


class Donation(models.Model):
    class Form(models.TextChoices):
        MONEY = "cash", _("Money")
        NON_CASH = "non_cash", _("Goods or services (non-cash)")

    class Method(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        CHEQUE = "cheque", _("Cheque")
        CASH = "cash", _("Cash")
        CARD = "card", _("Card")
        STANDING_ORDER = "standing_order", _("Standing order")
        IN_KIND = "in_kind", _("In kind (goods or services)")

    constituency = models.ForeignKey(
        "members.Constituency",
        on_delete=models.PROTECT,
        related_name="donations",
        verbose_name=_("constituency"),
    )
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="donations")
    standing_order = models.ForeignKey(
        StandingOrder,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name=_("standing order"),
    )
    form = models.CharField(
        _("form"), max_length=10, choices=Form.choices, default=Form.MONEY
    )
    value = money(
        _("amount or value (£)"),
        help_text=_("For goods or services, their market value less what was paid."),
    )
    nature = models.CharField(
        _("nature of a non-cash donation"),
        max_length=200,
        blank=True,
        help_text=_("For example: hall hire at no charge, printing."),
    )
    method = models.CharField(
        _("method"), max_length=20, choices=Method.choices, blank=True
    )
    received_on = models.DateField(_("received on"))
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    return_reason = models.CharField(_("why returned"), max_length=300, blank=True)
    # The permissibility check (PPERA s.54): who, when, where checked, the outcome.
    checked_on = models.DateField(_("permissibility checked on"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    check_evidence = models.TextField(
        _("evidence of the check"),
        blank=True,
        help_text=_(
            "For a person: the electoral register checked (the council, the "
            "register's date). For a company: registered in the UK and carrying "
            "on business here (Companies House record)."
        ),
    )
    permissible = models.BooleanField(_("permissible"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()
    scope_lookup = "constituency"

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ("-received_on", "-pk")
        permissions = [("export_donation", "Download donation reports")]
        constraints = [
            models.CheckConstraint(
                name="finance_donation_not_accepted_and_returned",
                condition=models.Q(accepted_on__isnull=True)
                | models.Q(returned_on__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"£{self.value:,.2f} — {self.received_on:%d %b %Y}"

    @property
    def decide_by(self) -> datetime.date:
        return self.received_on + datetime.timedelta(
            days=settings.FINANCE_DECISION_DAYS
        )

    @property
    def needs_check(self) -> bool:
        return bool(self.value > settings.FINANCE_PERMISSIBILITY_THRESHOLD)

    @property
    def status(self) -> str:
        if self.returned_on:
            return str(_("Returned"))
        if self.accepted_on:
            return str(_("Accepted"))
        if self.permissible is False:
            return str(_("Impermissible: return it"))
        return str(_("Waiting for a decision"))


class FinanceDelegate(models.Model):
    """Someone the treasurer or chair lets see donors and keep the books."""

    constituency = models.ForeignKey(
        "members.Constituency",
        on_delete=models.CASCADE,
        related_name="finance_delegates",
        verbose_name=_("constituency"),
    )
    person = models.ForeignKey(
        "members.Person",
        on_delete=models.CASCADE,
        related_name="finance_delegations",
        verbose_name=_("person"),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    starts = models.DateField(_("from"), default=datetime.date.today)
    ends = models.DateField(_("until"), null=True, blank=True)

    objects = ScopedManager()
    scope_lookup = "constituency"

    class Meta:
        verbose_name = _("finance delegate")
        verbose_name_plural = _("finance delegates")
        ordering = ("-starts", "pk")

    def __str__(self) -> str:
        return str(self.person)


class Fund(models.TextChoices):
    GENERAL = "general", _("General fund")
    CAMPAIGN = "campaign", _("Campaign fund")
    ELECTION = "election", _("Election fund")


class Category(models.TextChoices):
    DONATIONS = "donations", _("Donations")
    SUBSCRIPTIONS = "subscriptions", _("Membership and subscriptions")
    EVENTS = "events", _("Events and socials")
    FUNDRAISING = "fundraising", _("Fundraising and lotteries")
    VENUE = "venue", _("Venue hire")
    PRINTING = "printing", _("Printing and leaflets")
    POSTAGE = "postage", _("Postage")
    CATERING = "catering", _("Food and drink")
    AFFILIATIONS = "affiliations", _("Affiliations and fees")
    BANK = "bank", _("Bank charges and interest")
    OTHER = "other", _("Other")


class Entry(models.Model):
    """A line in the CLP's books: money in or out of one fund."""

    class Direction(models.TextChoices):
        INCOME = "in", _("Income")
        EXPENDITURE = "out", _("Expenditure")

    constituency = models.ForeignKey(
        "members.Constituency",
        on_delete=models.PROTECT,
        related_name="finance_entries",
        verbose_name=_("constituency"),
    )
    date = models.DateField(_("date"))
    direction = models.CharField(
        _("in or out"), max_length=3, choices=Direction.choices
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    fund = models.CharField(
        _("fund"), max_length=10, choices=Fund.choices, default=Fund.GENERAL
    )
    amount = money(_("amount (£)"))
    description = models.CharField(_("description"), max_length=300)
    event = models.ForeignKey(
        "events.Event",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="finance_entries",
        verbose_name=_("event"),
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="finance_entries",
        verbose_name=_("campaign"),
    )
    donation = models.OneToOneField(
        Donation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entry",
        verbose_name=_("donation"),
    )
    receipt = models.FileField(
        _("receipt or invoice"), upload_to="finance/receipts/%Y/", blank=True
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_lookup = "constituency"

    class Meta:
        verbose_name = _("entry in the books")
        verbose_name_plural = _("the books")
        ordering = ("-date", "-pk")

    def __str__(self) -> str:
        sign = "+" if self.direction == self.Direction.INCOME else "−"
        return f"{self.date:%d %b %Y} {sign}£{self.amount:,.2f} {self.description}"

    @property
    def signed(self) -> Decimal:
        amount = Decimal(self.amount)
        return amount if self.direction == self.Direction.INCOME else -amount


class Budget(models.Model):
    """What an event or a campaign is expected to bring in and cost."""

    constituency = models.ForeignKey(
        "members.Constituency",
        on_delete=models.PROTECT,
        related_name="finance_budgets",
        verbose_name=_("constituency"),
    )
    title = models.CharField(_("title"), max_length=200)
    event = models.ForeignKey(
        "events.Event",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="finance_budgets",
        verbose_name=_("event"),
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="finance_budgets",
        verbose_name=_("campaign"),
    )
    planned_income = models.DecimalField(
        _("planned income (£)"), max_digits=12, decimal_places=2, default=Decimal(0)
    )
    planned_costs = models.DecimalField(
        _("planned costs (£)"), max_digits=12, decimal_places=2, default=Decimal(0)
    )

    objects = ScopedManager()
    scope_lookup = "constituency"

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        ordering = ("title", "pk")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if bool(self.event_id) == bool(self.campaign_id):
            raise ValidationError(_("A budget is for one event or one campaign."))


class BookingPayment(models.Model):
    """What somebody paid for a place on an event (issue 18.4)."""

    class Method(models.TextChoices):
        CASH = "cash", _("Cash at the door")
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        CARD_ELSEWHERE = "card", _("Card, taken elsewhere")

    constituency = models.ForeignKey(
        "members.Constituency",
        on_delete=models.PROTECT,
        related_name="booking_payments",
        verbose_name=_("constituency"),
    )
    booking = models.OneToOneField(
        "events.Booking",
        on_delete=models.PROTECT,
        related_name="payment",
        verbose_name=_("booking"),
    )
    amount = models.DecimalField(_("amount (£)"), max_digits=10, decimal_places=2)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    concession = models.BooleanField(_("concession"), default=False)
    reference = models.CharField(_("provider reference"), max_length=100, blank=True)
    paid_at = models.DateTimeField(_("paid at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    entry = models.OneToOneField(
        Entry,
        on_delete=models.PROTECT,
        related_name="booking_payment",
        verbose_name=_("entry in the books"),
    )

    objects = ScopedManager()
    scope_lookup = "constituency"

    class Meta:
        verbose_name = _("payment for a booking")
        verbose_name_plural = _("payments for bookings")
        ordering = ("-paid_at", "-pk")

    def __str__(self) -> str:
        return f"£{self.amount:,.2f} ({self.get_method_display()})"


class BankLine(models.Model):
    """A line of the CLP's bank statement, imported from the bank's CSV, and the
    entry in the books it matches (bank reconciliation)."""

    constituency = models.ForeignKey(
        "members.Constituency",
        on_delete=models.PROTECT,
        related_name="bank_lines",
        verbose_name=_("constituency"),
    )
    date = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=300)
    # Money in is positive, money out negative.
    amount = models.DecimalField(_("amount (£)"), max_digits=12, decimal_places=2)
    # The same statement imported twice adds nothing: the line's fingerprint
    # (date, amount, description and its place among identical lines).
    fingerprint = models.CharField(max_length=64)
    entry = models.OneToOneField(
        Entry,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bank_line",
        verbose_name=_("entry in the books"),
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_lookup = "constituency"

    class Meta:
        verbose_name = _("bank statement line")
        verbose_name_plural = _("bank statement lines")
        ordering = ("-date", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=["constituency", "fingerprint"],
                name="finance_bankline_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%d %b %Y} £{self.amount:,.2f} {self.description}"


class Lottery(models.Model):
    """A small society lottery (a "200 club" round): registered with the local
    authority, tickets at a fixed price to people 16 or over, drawn with the
    reproducible draw of the supporters' prize draws."""

    constituency = models.ForeignKey(
        "members.Constituency",
        on_delete=models.PROTECT,
        related_name="lotteries",
        verbose_name=_("constituency"),
    )
    name = models.CharField(_("name"), max_length=200)
    local_authority = models.CharField(_("local authority"), max_length=200)
    registration_number = models.CharField(
        _("local authority registration number"), max_length=100
    )
    ticket_price = money(_("ticket price (£)"))
    draw_date = models.DateField(_("draw date"))
    prizes = models.PositiveIntegerField(_("number of prizes"), default=1)
    largest_prize = models.DecimalField(
        _("largest prize (£)"), max_digits=10, decimal_places=2, default=Decimal(0)
    )
    prize_total = models.DecimalField(
        _("all prizes (£)"), max_digits=10, decimal_places=2, default=Decimal(0)
    )
    expenses = models.DecimalField(
        _("expenses (£)"), max_digits=10, decimal_places=2, default=Decimal(0)
    )
    seed = models.CharField(_("seed"), max_length=64, blank=True)
    entrants = models.JSONField(
        _("ticket numbers in the draw"), default=list, blank=True
    )
    winners = models.JSONField(_("winning ticket numbers"), default=list, blank=True)
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    return_sent_on = models.DateField(
        _("return sent to the local authority on"), null=True, blank=True
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_lookup = "constituency"

    class Meta:
        verbose_name = _("lottery")
        verbose_name_plural = _("lotteries (200 club)")
        ordering = ("-draw_date", "pk")

    def __str__(self) -> str:
        return self.name


class LotteryTicket(models.Model):
    lottery = models.ForeignKey(
        Lottery, on_delete=models.PROTECT, related_name="tickets"
    )
    number = models.PositiveIntegerField(_("ticket number"))
    person = models.ForeignKey(
        "members.Person",
        on_delete=models.PROTECT,
        related_name="lottery_tickets",
        verbose_name=_("buyer"),
    )
    # Tickets are sold only to people 16 or over: the buyer's date of birth is
    # asked at the sale (it is not held anywhere else).
    date_of_birth = models.DateField(_("buyer's date of birth"))
    price = models.DecimalField(_("price (£)"), max_digits=10, decimal_places=2)
    sold_on = models.DateField(_("sold on"))

    objects = ScopedManager()
    scope_lookup = "lottery__constituency"

    class Meta:
        verbose_name = _("lottery ticket")
        verbose_name_plural = _("lottery tickets")
        ordering = ("lottery", "number")
        constraints = [
            models.UniqueConstraint(
                fields=["lottery", "number"], name="finance_ticket_number_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.lottery} #{self.number}"
