"""The emails about data requests: to the person (received) and to the officers
responsible (a new request; one due within a week). Service messages: they go
without marketing consent."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from partyhub.comms import reminders
from partyhub.personal_data import services


def _request(reminder):
    return reminder.about


def _admin_link(request) -> str:
    return services.site_url() + reverse(
        "admin:personal_data_datarequest_change", args=[request.pk]
    )


def _received_subject(reminder) -> str:
    return str(_("We have your request about your data"))


def _received_body(reminder) -> str:
    request = _request(reminder)
    return str(
        _(
            "Hello %(name)s,\n\nWe received your request on %(day)s: **%(what)s**. "
            "We will reply by %(due)s at the latest, as the law requires.\n\nIf you "
            "did not make this request, please reply to this email."
        )
        % {
            "name": reminder.person.first_name,
            "day": request.received_on.strftime("%d/%m/%Y"),
            "what": request.get_kind_display(),
            "due": request.due_by.strftime("%d/%m/%Y"),
        }
    )


def _received_reason(reminder) -> str:
    return str(_("You are receiving this because you made a request about your data."))


def _officers_subject(reminder) -> str:
    return str(
        _("New request about personal data: %(what)s")
        % {"what": _request(reminder).get_kind_display()}
    )


def _officers_body(reminder) -> str:
    request = _request(reminder)
    return str(
        _(
            "Hello %(name)s,\n\nA request about personal data was received on "
            "%(day)s for %(clp)s: **%(what)s**. It must be answered by %(due)s.\n\n"
            "[Open the request](%(link)s)"
        )
        % {
            "name": reminder.person.first_name,
            "day": request.received_on.strftime("%d/%m/%Y"),
            "clp": request.constituency or "",
            "what": request.get_kind_display(),
            "due": request.due_by.strftime("%d/%m/%Y"),
            "link": _admin_link(request),
        }
    )


def _due_subject(reminder) -> str:
    return str(
        _("Due by %(due)s: a request about personal data")
        % {"due": _request(reminder).due_by.strftime("%d/%m/%Y")}
    )


def _due_body(reminder) -> str:
    request = _request(reminder)
    return str(
        _(
            "Hello %(name)s,\n\nA request about personal data (%(what)s, received on "
            "%(day)s) is still open and must be answered by **%(due)s**.\n\n"
            "[Open the request](%(link)s)"
        )
        % {
            "name": reminder.person.first_name,
            "what": request.get_kind_display(),
            "day": request.received_on.strftime("%d/%m/%Y"),
            "due": request.due_by.strftime("%d/%m/%Y"),
            "link": _admin_link(request),
        }
    )


def _officers_reason(reminder) -> str:
    return str(
        _(
            "You are receiving this because you are a secretary or membership "
            "secretary of %(clp)s."
        )
        % {"clp": _request(reminder).constituency or ""}
    )


def register() -> None:
    for kind, subject, body, reason in (
        (services.REMINDER_RECEIVED, _received_subject, _received_body,
         _received_reason),
        (services.REMINDER_OFFICERS, _officers_subject, _officers_body,
         _officers_reason),
        (services.REMINDER_DUE, _due_subject, _due_body, _officers_reason),
    ):  # fmt: skip
        reminders.register(
            reminders.ReminderKind(
                kind=kind,
                subject=subject,
                body=body,
                reason=reason,
                requires_consent=False,
            )
        )
