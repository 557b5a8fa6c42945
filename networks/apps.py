from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    name = "networks"
    verbose_name = _("Networks")

    def ready(self) -> None:
        from networks import roles as _roles

        # What office roles may do with this app's models.
        _roles.register()
        from members.portal.sections import PortalSection, register_section
        from networks import segments, services
        from partyhub.comms import reminders

        segments.register()
        reminders.register(
            reminders.ReminderKind(
                kind=services.REMINDER_INVITATION,
                subject=_invitation_subject,
                body=_invitation_body,
                reason=_invitation_reason,
            )
        )
        reminders.register(
            reminders.ReminderKind(
                kind=services.REMINDER_DIGEST,
                subject=_digest_subject,
                body=_digest_body,
                reason=_digest_reason,
            )
        )
        # Mailings to community organisations: the organisation's agreement to be
        # mailed is checked when sending; its contact has no consent of their own.
        from networks import mailings

        reminders.register(
            reminders.ReminderKind(
                kind=mailings.REMINDER_ORG_MAILING,
                subject=mailings.mailing_subject,
                body=mailings.mailing_body,
                reason=mailings.mailing_reason,
                requires_consent=False,
            )
        )
        # What networks hold about people (partyhub.personal_data).
        from networks import personal_data

        personal_data.register_all()
        register_section(
            PortalSection(
                "networks",
                _("My networks"),
                "networks:mine",
                _("Policy networks and study groups: discussions and consultations."),
                order=50,
            )
        )


def _invitation_subject(reminder) -> str:
    return str(
        _("An invitation to join %(network)s") % {"network": reminder.about.network}
    )


def _invitation_body(reminder) -> str:
    from networks.services import network_join_url

    invitation = reminder.about
    network = invitation.network
    return str(
        _(
            "Hello %(name)s,\n\nYou told us about your interest in %(topic)s, so "
            "we would like to invite you to join **%(network)s**, where party "
            "members share news, discuss and answer consultations together.\n\n"
            "%(description)s\n\n[Join %(network)s](%(url)s)\n\n"
            "The link works for you only, for 30 days."
        )
        % {
            "name": reminder.person.first_name,
            "topic": network.topic or network.name,
            "network": network.name,
            "description": network.description,
            "url": network_join_url(
                network_id=network.pk, person_id=reminder.person_id
            ),
        }
    )


def _invitation_reason(reminder) -> str:
    return str(
        _("You are getting this because you are in the party's register of interests.")
    )


def _digest_subject(reminder) -> str:
    return str(
        _("New in %(network)s") % {"network": reminder.about.membership.network.name}
    )


def _digest_body(reminder) -> str:
    from django.conf import settings
    from django.urls import reverse

    from networks.services import digest_posts

    digest = reminder.about
    network = digest.membership.network
    site = settings.SITE_URL.rstrip("/")
    lines = [
        str(
            _("Hello %(name)s,\n\nNew posts in **%(network)s**:")
            % {"name": reminder.person.first_name, "network": network.name}
        ),
        "",
    ]
    thread_id = None
    for post in digest_posts(digest):
        if post.thread_id != thread_id:
            thread_id = post.thread_id
            url = site + reverse("networks:thread", args=[network.pk, thread_id])
            lines += ["", f"### [{post.thread.title}]({url})", ""]
        excerpt = " ".join(post.body.split())
        if len(excerpt) > 300:
            excerpt = excerpt[:300] + "…"
        author = post.author.full_name if post.author else ""
        lines.append(f"- **{author}**: {excerpt}")
    lines += [
        "",
        str(
            _("To change how often you get this, see [My networks](%(url)s).")
            % {"url": site + reverse("networks:mine")}
        ),
    ]
    return "\n".join(lines)


def _digest_reason(reminder) -> str:
    return str(_("You asked for a digest of this network's discussion."))
