"""Finance's audit event types, registered from FinanceConfig.ready().

Entries of these actions name a donation, donor or entry by its id only: the
audit log is read by officers who may not see donors (see finance.services).
"""

from django.db import models


class FinanceAction(models.TextChoices):
    BANK_LINE_MATCHED = "finance.bank_line_matched", "Finance: bank line matched"
    BOOKING_PAID = "finance.booking_paid", "Finance: booking paid"
    BUDGET_CHANGED = "finance.budget_changed", "Finance: budget changed"
    BUDGET_CREATED = "finance.budget_created", "Finance: budget created"
    DELEGATE_ENDED = "finance.delegate_ended", "Finance: delegate ended"
    DELEGATE_GRANTED = "finance.delegate_granted", "Finance: delegate granted"
    DONATION_ACCEPTED = "finance.donation_accepted", "Finance: donation accepted"
    DONATION_CHECKED = "finance.donation_checked", "Finance: donation checked"
    DONATION_NOTES_CHANGED = (
        "finance.donation_notes_changed",
        "Finance: donation notes changed",
    )
    DONATION_RECORDED = "finance.donation_recorded", "Finance: donation recorded"
    DONATION_RETURNED = "finance.donation_returned", "Finance: donation returned"
    DONOR_CHANGED = "finance.donor_changed", "Finance: donor changed"
    DONOR_CREATED = "finance.donor_created", "Finance: donor created"
    ENTRY_CHANGED = "finance.entry_changed", "Finance: entry changed"
    ENTRY_CREATED = "finance.entry_created", "Finance: entry created"
    LOTTERY_CREATED = "finance.lottery_created", "Finance: lottery created"
    LOTTERY_DRAWN = "finance.lottery_drawn", "Finance: lottery drawn"
    LOTTERY_RETURN_SENT = "finance.lottery_return_sent", "Finance: lottery return sent"
    LOTTERY_TICKET_SOLD = "finance.lottery_ticket_sold", "Finance: lottery ticket sold"
    QUARTERLY_REPORT_DOWNLOADED = (
        "finance.quarterly_report_downloaded",
        "Finance: quarterly report downloaded",
    )
    STANDING_ORDER_CREATED = (
        "finance.standing_order_created",
        "Finance: standing order created",
    )
    STANDING_ORDER_STOPPED = (
        "finance.standing_order_stopped",
        "Finance: standing order stopped",
    )
    STATEMENT_IMPORTED = "finance.statement_imported", "Finance: statement imported"
    THANK_YOU_LETTERS = "finance.thank_you_letters", "Finance: thank you letters"
    THANK_YOU_SENT = "finance.thank_you_sent", "Finance: thank you sent"


def register() -> None:
    from partyhub.audit.actions import register_actions

    register_actions(FinanceAction)
