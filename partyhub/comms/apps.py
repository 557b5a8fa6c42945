from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommsConfig(AppConfig):
    name = "partyhub.comms"
    label = "comms"
    verbose_name = _("Communications")

    def ready(self) -> None:
        from partyhub.comms import roles as _roles

        # What office roles may do with this app's models.
        _roles.register()
        from partyhub.comms import personal_data, reminders

        personal_data.register_all()

        reminders.register(
            reminders.ReminderKind(
                kind="comms.newsletter_missing",
                subject=_newsletter_subject,
                body=_newsletter_body,
                reason=_newsletter_reason,
                requires_consent=False,  # an officer's own duty, not marketing
            )
        )


def _quarter(reminder) -> str:
    return reminder.key.split(":")[2]


def _newsletter_subject(reminder) -> str:
    return str(_("No newsletter is ready yet for %(q)s") % {"q": _quarter(reminder)})


def _newsletter_body(reminder) -> str:
    return str(
        _(
            "Hello %(name)s,\n\nThe quarterly newsletter for %(clp)s for %(q)s has not "
            "been prepared yet, and the quarter starts in three weeks or less.\n\n"
            "Supporters and members look forward to it: please prepare an issue in "
            'the admin (Communications → Messages, kind "Quarterly newsletter") and '
            "schedule it."
        )
        % {
            "name": reminder.person.first_name,
            "clp": reminder.about,
            "q": _quarter(reminder),
        }
    )


def _newsletter_reason(reminder) -> str:
    return str(
        _("You are receiving this because you are an officer of %(clp)s.")
        % {"clp": reminder.about}
    )
