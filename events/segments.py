"""What events contribute to communications segments: "booked on these events"
(yes or maybe; the waiting list too, so a change of venue reaches everyone who
may come)."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partyhub.comms.segments import ROLE, Criterion, dump_ids, register_criterion

BOOKED_KEY = "events_booked"
BOOKED_STATUSES = ("yes", "maybe", "waiting")


def _events_field(user) -> forms.Field:
    from events.models import Event

    return forms.ModelMultipleChoiceField(
        label=_("Booked on these events"),
        queryset=Event.objects.in_constituencies(user).exclude(status="draft"),
        required=False,
    )


def register() -> None:
    register_criterion(
        Criterion(
            key=BOOKED_KEY,
            label=_("Booked on these events"),
            kind=ROLE,
            field=_events_field,
            # One filter() call: both conditions hold for the same booking.
            apply=lambda value, constituency: Q(
                bookings__event__in=dump_ids(value),
                bookings__status__in=BOOKED_STATUSES,
            ),
            dump=dump_ids,
        )
    )
