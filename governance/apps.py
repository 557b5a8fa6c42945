from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Meetings and elections")

    def ready(self) -> None:
        from governance import audit, personal_data, roles, services
        from members.portal.sections import PortalSection, register_section
        from partyhub.comms import reminders

        audit.register()
        personal_data.register_all()
        roles.register()
        register_section(
            PortalSection(
                "meetings",
                _("My meetings"),
                "governance:mine",
                _(
                    "Meetings you may attend: agendas, papers and minutes; submit "
                    "a motion, follow your motions, vote in a ballot."
                ),
                order=50,
            )
        )
        # Notice of a meeting the member is entitled to attend, its draft minutes
        # and an action they own are service messages about their part in the
        # party's democracy, not marketing: they go without email consent.
        for kind, subject, body in (
            (services.REMINDER_NOTICE, _notice_subject, _notice_body),
            (services.REMINDER_MINUTES, _minutes_subject, _minutes_body),
            (services.REMINDER_ACTION, _action_subject, _action_body),
        ):
            reminders.register(
                reminders.ReminderKind(
                    kind=kind,
                    subject=subject,
                    body=body,
                    reason=_reason,
                    requires_consent=False,
                )
            )


def _when(meeting: Any) -> str:
    from django.utils import timezone

    return timezone.localtime(meeting.starts).strftime("%A %-d %B %Y, %H:%M")


def _portal_url(name: str, *args: Any) -> str:
    from django.conf import settings
    from django.urls import reverse

    return str(settings.SITE_URL).rstrip("/") + reverse(name, args=args)


def _notice_subject(reminder: Any) -> str:
    return str(_("Notice of meeting: %(m)s") % {"m": reminder.about.event.title})


def _notice_body(reminder: Any) -> str:
    meeting = reminder.about
    where = meeting.event.venue or ""
    if meeting.online_link:
        where = (where + " " if where else "") + str(
            _("or online: %(link)s") % {"link": meeting.online_link}
        )
    return str(
        _(
            "Hello %(name)s,\n\n**%(meeting)s** meets on %(when)s%(where)s.\n\n"
            "Motions must reach the secretary by %(motions)s and amendments by "
            "%(amendments)s. The agenda and papers are in your account: "
            "[My meetings](%(url)s)."
        )
        % {
            "name": reminder.person.first_name,
            "meeting": meeting.event.title,
            "when": _when(meeting),
            "where": f", {where}" if where else "",
            "motions": meeting.motion_deadline.strftime("%-d %B %Y"),
            "amendments": meeting.amendment_deadline.strftime("%-d %B %Y"),
            "url": _portal_url("governance:meeting", meeting.pk),
        }
    )


def _minutes_subject(reminder: Any) -> str:
    return str(_("Draft minutes: %(m)s") % {"m": reminder.about.meeting.event.title})


def _minutes_body(reminder: Any) -> str:
    minutes = reminder.about
    return str(
        _(
            "Hello %(name)s,\n\nThe draft minutes of **%(meeting)s** are ready: "
            "they will be put for approval at the next meeting. "
            "[Read them](%(url)s)."
        )
        % {
            "name": reminder.person.first_name,
            "meeting": minutes.meeting.event.title,
            "url": _portal_url("governance:meeting", minutes.meeting_id),
        }
    )


def _action_subject(reminder: Any) -> str:
    return str(_("Your action: %(a)s") % {"a": reminder.about.text})


def _action_body(reminder: Any) -> str:
    action = reminder.about
    return str(
        _(
            "Hello %(name)s,\n\nAt **%(meeting)s** you took on: %(text)s, by "
            "%(due)s. Please tell the secretary when it is done."
        )
        % {
            "name": reminder.person.first_name,
            "meeting": action.meeting.event.title,
            "text": action.text,
            "due": action.due.strftime("%-d %B %Y"),
        }
    )


def _reason(reminder: Any) -> str:
    return str(
        _(
            "You are receiving this because you are a member entitled to take part "
            "in this meeting."
        )
    )
