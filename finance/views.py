"""The door's payment action: thin, it calls finance.services.booking_pay."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from finance import services
from partyhub.admin_site import officer_powers, officer_two_factor_required
from partyhub.errors import DomainError, message_of
from partyhub.scoping import constituency_ids, get_scoped_object_or_404


@require_POST
@login_required
@officer_two_factor_required
def door_pay(request: HttpRequest, event_id: int, booking_id: int) -> HttpResponse:
    """Take a payment at the door: the same officers who tick people in."""
    from events.models import Booking, Event

    if not officer_powers(request.user) or not request.user.has_perm(
        "events.change_booking"
    ):
        raise PermissionDenied
    event = cast(
        Event, get_scoped_object_or_404(Event.objects.all(), request.user, pk=event_id)
    )
    booking = cast(
        Booking,
        get_scoped_object_or_404(
            Booking.objects.filter(event=event), request.user, pk=booking_id
        ),
    )
    ids = constituency_ids(request.user)
    clps = event.constituencies.order_by("pk").values_list("pk", flat=True)
    constituency_id = next(c for c in clps if ids is None or c in ids)
    try:
        payment = services.booking_pay(
            actor=request.user,
            booking=booking,
            constituency_id=constituency_id,
            method=request.POST.get("method", ""),
            concession=request.POST.get("concession") == "1",
            amount=request.POST.get("amount") or None,
        )
    except (DomainError, ArithmeticError, ValueError) as exc:
        text = (
            message_of(exc)
            if isinstance(exc, DomainError)
            else _("Give the amount in pounds, for example 12.50.")
        )
        messages.error(request, text)
    else:
        messages.success(
            request,
            _("%(name)s paid £%(amount)s.")
            % {"name": booking.person, "amount": payment.amount},
        )
    return HttpResponseRedirect(reverse("admin:events_event_door", args=[event.pk]))
