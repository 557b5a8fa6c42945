"""The street-watch emails, sent through comms reminders (exactly once each): the
report to a ward councillor, and its progress to the person who reported it."""

from __future__ import annotations

import re

from django.utils import formats
from django.utils.translation import gettext as _

from partyhub.comms import reminders

_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")


def _as_typed(text: str) -> str:
    """What a reporter typed, for the Markdown body: their words stay words — no
    link (Markdown or HTML) in an email that the party sends to a councillor."""
    return _TAG_START.sub("&lt;", text.replace("[", "\\["))


def _councillor_subject(reminder) -> str:
    report = reminder.about
    return _("Street watch, %(ward)s: %(problem)s") % {
        "ward": report.ward.name if report.ward else report.postcode,
        "problem": report.get_category_display(),
    }


def _councillor_body(reminder) -> str:
    from campaigns.services import street_photo_url

    report = reminder.about
    lines = [
        _("Hello %(name)s,") % {"name": reminder.person.first_name},
        "",
        _(
            "A local Labour member or supporter has reported a problem in "
            "%(ward)s and asked us to pass it to you as their councillor."
        )
        % {"ward": report.ward.name if report.ward else report.postcode},
        "",
        f"**{_('Problem')}:** {report.get_category_display()}",
        f"**{_('Where')}:** {_as_typed(report.location)} ({report.postcode})",
    ]
    if report.latitude is not None and report.longitude is not None:
        lines.append(
            f"**{_('Map')}:** https://www.openstreetmap.org/?mlat={report.latitude}"
            f"&mlon={report.longitude}#map=18/{report.latitude}/{report.longitude}"
        )
    lines.append(
        f"**{_('Reported')}:** "
        + formats.date_format(report.created, "DATETIME_FORMAT")
    )
    lines += ["", _as_typed(report.description), ""]
    if report.photo:
        lines += [
            _("Photo: %(url)s")
            % {"url": street_photo_url(report=report, person_id=reminder.person_id)},
            "",
        ]
    lines.append(
        _(
            "When something has been done, please tell the local party so we can "
            "let the person who reported it know."
        )
    )
    return "\n".join(str(line) for line in lines)


def _councillor_reason(reminder) -> str:
    return _("You are receiving this as a councillor for %(ward)s.") % {
        "ward": reminder.about.ward.name if reminder.about.ward else ""
    }


def _status_subject(reminder) -> str:
    report = reminder.about
    return _("Your report: %(problem)s at %(where)s") % {
        "problem": report.get_category_display(),
        "where": report.location,
    }


def _status_body(reminder) -> str:
    report = reminder.about
    from campaigns.models import StreetReport

    if report.status == StreetReport.Status.RESOLVED:
        text = _(
            "Hello %(name)s,\n\nThe problem you reported (%(problem)s at %(where)s) "
            "has been dealt with."
        )
        if report.action_taken:
            text += "\n\n" + _("What was done: %(action)s")
    else:
        text = _(
            "Hello %(name)s,\n\nThank you for reporting %(problem)s at %(where)s. "
            "We have passed it to your ward councillor and will let you know when "
            "it has been dealt with."
        )
    return text % {
        "name": reminder.person.first_name,
        "problem": report.get_category_display().lower(),
        "where": report.location,
        "action": report.action_taken,
    }


def _status_reason(reminder) -> str:
    return _("You are receiving this because you reported a problem to us.")


def register() -> None:
    from campaigns.services import REMINDER_STREET_COUNCILLOR, REMINDER_STREET_STATUS

    reminders.register(
        reminders.ReminderKind(
            kind=REMINDER_STREET_COUNCILLOR,
            subject=_councillor_subject,
            body=_councillor_body,
            reason=_councillor_reason,
            # To an elected representative about their ward: not marketing.
            requires_consent=False,
        )
    )
    reminders.register(
        reminders.ReminderKind(
            kind=REMINDER_STREET_STATUS,
            subject=_status_subject,
            body=_status_body,
            reason=_status_reason,
            # About the report they made: a service message.
            requires_consent=False,
        )
    )
