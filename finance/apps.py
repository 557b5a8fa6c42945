from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "finance"
    verbose_name = _("Finance")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # What the finance app holds about people (partyhub.personal_data), and
        # what the treasurer and chair may do.
        from finance import audit, personal_data, roles

        audit.register()
        # The sidebar (cached per permissions) shows finance to those who handle
        # money for a CLP: a delegation changes it at once.
        from finance.access import finance_constituencies
        from partyhub.admin_site import SIDEBAR_KEYS

        if finance_constituencies not in SIDEBAR_KEYS:
            SIDEBAR_KEYS.append(finance_constituencies)
        personal_data.register_all()
        roles.register()
        register_thank_you()


def register_thank_you() -> None:
    from finance.services import REMINDER_THANK_YOU
    from partyhub.comms import reminders

    # Thanking someone for a gift they made is not marketing: it goes without
    # email consent, and asks for nothing.
    reminders.register(
        reminders.ReminderKind(
            kind=REMINDER_THANK_YOU,
            subject=lambda r: str(_("Thank you for your donation")),
            body=_thank_you_body,
            reason=lambda r: str(
                _("You are receiving this because you made a donation to the party.")
            ),
            requires_consent=False,
        )
    )


def _thank_you_body(reminder) -> str:  # type: ignore[no-untyped-def]
    donation = reminder.about
    return str(
        _(
            "Dear %(name)s,\n\nThank you for your donation of £%(value)s, received "
            "on %(date)s. It makes a real difference to our work in %(clp)s.\n\n"
            "With thanks,\n\nThe treasurer"
        )
        % {
            "name": reminder.person.first_name,
            "value": f"{donation.value:,.2f}",
            "date": donation.received_on.strftime("%-d %B %Y"),
            "clp": donation.constituency.name,
        }
    )
