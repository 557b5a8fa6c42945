"""What communications hold about a person, in the register of personal data."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Case, F, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from partyhub.personal_data import DELETE, KEEP, Repoint, register
from partyhub.personal_data.core import who
from partyhub.personal_data.timeline import NO_TIMELINE, gettext, label_of, timeline_of


def _consent_moments(event: Any):
    what = label_of(event, "channel")
    if event.topic:
        what = f"{what} ({label_of(event, 'topic')})"
    if event.granted:
        title = gettext("Agreed to be contacted by %(what)s") % {"what": what}
    else:
        title = gettext("Withdrew consent to be contacted by %(what)s") % {"what": what}
    yield event.at, title, label_of(event, "method")


def _delivery_moments(delivery: Any):
    subject = _delivery_subject(delivery, None) or gettext("a message")
    if delivery.status == "sent":
        yield (
            delivery.sent_at or delivery.created,
            gettext("Received “%(subject)s”") % {"subject": subject},
        )
    elif delivery.status == "failed":
        yield (
            delivery.updated,
            gettext("“%(subject)s” could not be delivered") % {"subject": subject},
            delivery.error[:200],
        )
    elif delivery.status == "skipped":
        yield (
            delivery.updated,
            gettext("Not sent “%(subject)s”: no consent") % {"subject": subject},
        )


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
        timeline=timeline_of(
            "comms.ConsentEvent",
            kind="consent",
            moments=_consent_moments,
            only=("at", "channel", "topic", "granted", "method"),
            newest="at",
        ),
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
        timeline=NO_TIMELINE(_("The consent history (ConsentEvent) tells each change")),
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
        timeline=timeline_of(
            "comms.Delivery",
            kind="messages",
            moments=_delivery_moments,
            constituencies="message.constituency_id",
            # The date _delivery_moments gives each row (NULL: no entry).
            newest=Case(
                When(status="sent", then=Coalesce("sent_at", "created")),
                When(status__in=("failed", "skipped"), then=F("updated")),
            ),
            select_related=("message", "reminder"),
            only=(
                "status",
                "sent_at",
                "created",
                "updated",
                "error",
                "message__subject",
                "message__constituency",
                "reminder__kind",
            ),
        ),
    )
    register(
        "comms.Reminder",
        person_field="person",
        export=["kind", "due_at", "status"],
        section="reminders",
        erase=DELETE,
        retention_category="deliveries",
        describe=_("Reminders due to be sent to the person"),
        timeline=NO_TIMELINE(_("A reminder sent shows as its delivery")),
    )
    register(
        "comms.BouncedAddress",
        rows=_bounced_rows,
        export=["email", "at", "reason"],
        section="bounced_addresses",
        erase=DELETE,
        retention_category="deliveries",
        describe=_("Addresses whose mail bounced"),
        timeline=timeline_of(
            "comms.BouncedAddress",
            kind="messages",
            rows=_bounced_rows,
            moments=lambda b: [
                (b.at, gettext("Mail to their address bounced"), b.reason)
            ],
        ),
    )
    for label in ("comms.Segment", "comms.Message"):
        register(
            label,
            user_fields=("created_by",),
            erase=KEEP(_("Who prepared it; the login itself is closed and anonymised")),
            retention_category="officers_work",
            describe=_("Segments and messages an officer prepared"),
            timeline=NO_TIMELINE(_("An officer's work, not the person's history")),
        )
