"""What the finance app holds about a person (partyhub.personal_data)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from partyhub.personal_data import DELETE, KEEP, Repoint, register
from partyhub.personal_data.timeline import NO_TIMELINE

PPERA_REASON = _(
    "The law on party donations (PPERA 2000) requires the CLP to keep the "
    "donor's details with each donation it accepted or returned"
)


def _repoint_donor(source: Any, target: Any, log: list[dict[str, Any]]) -> int:
    """A merge: the donor records move to the kept person; where both had one in
    the same CLP, the donations move to the kept one and the other goes, so the
    calendar year's aggregation sees one source."""
    from finance.models import Donation, Donor

    moved = 0
    with transaction.atomic():
        for donor in Donor.objects.filter(person=source).order_by("pk"):
            twin = Donor.objects.filter(
                person=target, constituency_id=donor.constituency_id
            ).first()
            if twin is None:
                Donor.objects.filter(pk=donor.pk).update(person=target)
            else:
                Donation.objects.filter(donor=donor).update(donor=twin)
                log.append(
                    {
                        "model": "finance.Donor",
                        "resolved": "donations moved",
                        "removed": {"id": donor.pk, "address": donor.address},
                        "kept_id": twin.pk,
                    }
                )
                donor.delete()
            moved += 1
    return moved


# Donor details are for the treasurer and chair only; a person's history is
# read by every officer of their CLP, so donations stay off it.
_HIDDEN = _("Only the treasurer and chair may see donors: not on the history")


def register_all() -> None:
    register(
        "finance.Donor",
        person_field="person",
        export=["kind", "address", "created"],
        erase=KEEP(PPERA_REASON),
        repoint=_repoint_donor,
        retention_category="finance",
        describe=_("Donor records"),
        timeline=NO_TIMELINE(_HIDDEN),
    )
    register(
        "finance.Donation",
        rows=lambda person: _donations(person),
        export=[
            ("constituency", "constituency.name"),
            "value", "form", "nature", "method", "received_on", "accepted_on",
            "returned_on",
        ],
        user_fields=("checked_by",),
        erase=KEEP(PPERA_REASON),
        retention_category="finance",
        describe=_("Donations"),
        timeline=NO_TIMELINE(_HIDDEN),
    )  # fmt: skip
    register(
        "finance.StandingOrder",
        rows=lambda person: _orders(person),
        export=[
            ("constituency", "constituency.name"),
            "amount", "frequency", "first_payment", "ends",
        ],
        erase=KEEP(PPERA_REASON),
        retention_category="finance",
        describe=_("Standing orders (regular giving)"),
        timeline=NO_TIMELINE(_HIDDEN),
    )  # fmt: skip
    register(
        "finance.LotteryTicket",
        person_field="person",
        export=[("lottery", "lottery.name"), "number", "price", "sold_on"],
        erase=KEEP(_("The lottery's return to the local authority counts its "
                     "tickets; the person record is anonymised")),
        repoint=Repoint(),
        retention_category="finance",
        describe=_("Lottery tickets"),
        timeline=NO_TIMELINE(_("A ticket is part of the CLP's accounts")),
    )  # fmt: skip
    register(
        "finance.FinanceDelegate",
        person_field="person",
        user_fields=("granted_by",),
        export=[("constituency", "constituency.name"), "starts", "ends"],
        erase=DELETE,
        repoint=Repoint(prefer=("earliest", "starts")),
        retention_category="finance",
        describe=_("Permission to see the CLP's finances"),
        timeline=NO_TIMELINE(_("A permission, kept with the CLP's finances")),
    )
    register(
        "finance.BookingPayment",
        rows=lambda person: _payments(person),
        user_fields=("recorded_by",),
        export=[
            ("event", "booking.event.title"),
            "amount", "method", "concession", "paid_at",
        ],
        select_related=("booking__event",),
        erase=KEEP(_("The CLP's accounts must show what was paid; the booking "
                     "no longer names the person")),
        retention_category="events",
        describe=_("Payments for event bookings"),
        timeline=NO_TIMELINE(_("The booking itself is on the history")),
    )  # fmt: skip


def _donations(person: Any) -> Any:
    from finance.models import Donation

    return Donation._base_manager.filter(donor__person=person)


def _payments(person: Any) -> Any:
    from finance.models import BookingPayment

    return BookingPayment._base_manager.filter(booking__person=person)


def _orders(person: Any) -> Any:
    from finance.models import StandingOrder

    return StandingOrder._base_manager.filter(donor__person=person)
