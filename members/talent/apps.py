"""Plugged in from MembersConfig.ready(): permissions, portal sections, data export."""

from django.utils.translation import gettext_lazy as _


def talent_ready() -> None:
    from members.portal.sections import PortalSection, register_section
    from members.talent import roles, segments
    from members.talent.services import REMINDER_FORUM_INVITATION
    from partyhub.comms import reminders

    roles.register()
    segments.register()
    reminders.register(
        reminders.ReminderKind(
            kind=REMINDER_FORUM_INVITATION,
            subject=_invitation_subject,
            body=_invitation_body,
            reason=_invitation_reason,
        )
    )
    register_section(
        PortalSection(
            "standing",
            _("Standing for office"),
            "portal:standing",
            _("Tell the party you would like to stand as a councillor or MP."),
            order=35,
        )
    )
    register_section(
        PortalSection(
            "forums",
            _("My forums"),
            "portal:forums",
            _("The forums you belong to; forum officers keep their members here."),
            order=40,
        )
    )


def _invitation_subject(reminder) -> str:
    return str(_("An invitation to join %(forum)s") % {"forum": reminder.about.forum})


def _invitation_body(reminder) -> str:
    from members.talent.services import forum_join_url

    invitation = reminder.about
    return str(
        _(
            "Hello %(name)s,\n\nAn officer of %(forum)s would like you to join "
            "it.\n\n%(description)s\n\n[Join %(forum)s](%(url)s)\n\n"
            "Nothing changes unless you follow the link and say yes. It works for "
            "you only, for 30 days."
        )
        % {
            "name": reminder.person.first_name,
            "forum": invitation.forum.name,
            "description": invitation.forum.description,
            "url": forum_join_url(invitation=invitation),
        }
    )


def _invitation_reason(reminder) -> str:
    return str(_("You are getting this because a forum officer invited you."))
