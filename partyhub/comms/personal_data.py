"""What communications hold about a person, in the register of personal data."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from partyhub.personal_data import DELETE, KEEP, Repoint, register
from partyhub.personal_data.core import who


def _delivery_subject(delivery: Any, person: Any) -> str:
    if delivery.message_id:
        return delivery.message.subject
    return delivery.reminder.kind if delivery.reminder_id else ""


def _bounced_rows(person: Any):
    model = apps.get_model("comms", "BouncedAddress")
    if not person.email:
        return model._base_manager.none()
    return model._base_manager.filter(email__iexact=person.email)


def register_all() -> None:
    register(
        "comms.ConsentEvent",
        person_field="person",
        user_fields=("recorded_by",),
        export=[
            "at",
            "channel",
            "topic",
            ("granted", "granted"),
            ("how", "method"),
            ("wording_shown", "wording"),
            ("recorded_by", who("recorded_by")),
        ],
        section="consents",
        # Once the person is erased there is nobody to contact; the suppression
        # entry keeps them from being added back.
        erase=DELETE,
        retention_category="consent",
        describe=_("Consent history: every grant and withdrawal, with its wording"),
    )
    register(
        "comms.ConsentState",
        person_field="person",
        export=["channel", "topic", "granted", "at"],
        section="current_consents",
        erase=DELETE,
        repoint=Repoint(prefer=("latest", "at")),
        retention_category="consent",
        describe=_("Current consents"),
    )
    register(
        "comms.Delivery",
        person_field="person",
        export=[
            ("subject", _delivery_subject),
            ("sent_to", "to_email"),
            "status",
            "sent_at",
            "created",
        ],
        section="deliveries",
        select_related=("message", "reminder"),
        erase=DELETE,
        repoint=Repoint(prefer=("earliest", "created")),
        retention_category="deliveries",
        describe=_("Emails sent to the person"),
    )
    register(
        "comms.Reminder",
        person_field="person",
        export=["kind", "due_at", "status"],
        section="reminders",
        erase=DELETE,
        retention_category="deliveries",
        describe=_("Reminders due to be sent to the person"),
    )
    register(
        "comms.BouncedAddress",
        rows=_bounced_rows,
        export=["email", "at", "reason"],
        section="bounced_addresses",
        erase=DELETE,
        retention_category="deliveries",
        describe=_("Addresses whose mail bounced"),
    )
    for label in ("comms.Segment", "comms.Message"):
        register(
            label,
            user_fields=("created_by",),
            erase=KEEP(_("Who prepared it; the login itself is closed and anonymised")),
            retention_category="officers_work",
            describe=_("Segments and messages an officer prepared"),
        )
