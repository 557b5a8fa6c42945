from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportersConfig(AppConfig):
    name = "supporters"
    verbose_name = _("Supporters' club")

    def ready(self) -> None:
        from supporters import roles as _roles

        # What office roles may do with this app's models.
        _roles.register()
        from partyhub.comms import reminders
        from partyhub.comms.rendering import register_personaliser
        from supporters import segments, services

        segments.register()
        # What the supporters' club holds about people (partyhub.personal_data).
        from supporters import personal_data

        personal_data.register_all()
        # An ask's email carries each recipient's own yes / no / done links.
        register_personaliser(services.ask_personaliser)
        reminders.register(
            reminders.ReminderKind(
                kind=services.PRIZE_WINNER_REMINDER,
                subject=_winner_subject,
                body=_winner_body,
                reason=_winner_reason,
                # Telling a winner they won is about something they are entered
                # in, not marketing: it goes even without email consent.
                requires_consent=False,
            )
        )
        # Leaving the club from any email's preferences page (issue 4, item 8).
        from supporters import signup

        signup.register_leaving()
        # A person another CLP accepted on transfer takes their supporter record.
        from members.transfers import person_transferred

        person_transferred.connect(
            _supporter_follows_transfer, dispatch_uid="supporters.transfer"
        )


def _supporter_follows_transfer(sender, transfer, **kwargs) -> None:
    from django.utils import timezone

    from supporters.models import Supporter

    Supporter.objects.filter(
        person_id=transfer.person_id, constituency_id=transfer.from_constituency_id
    ).update(constituency_id=transfer.to_constituency_id, updated=timezone.now())


def _winner_subject(reminder) -> str:
    return str(_("You have won a prize in %(draw)s") % {"draw": reminder.about})


def _winner_body(reminder) -> str:
    draw = reminder.about
    return str(
        _(
            "Hello %(name)s,\n\nCongratulations: your name was drawn in %(draw)s, the "
            "prize draw of the %(clp)s supporters' club. You have won: "
            "**%(prize)s**.\n\nSomebody from the local party will be in touch to "
            "arrange it. You do not need to do anything now."
        )
        % {
            "name": reminder.person.first_name,
            "draw": draw.name,
            "clp": draw.constituency.name,
            "prize": draw.prize,
        }
    )


def _winner_reason(reminder) -> str:
    return str(
        _(
            "You are receiving this because you were entered in a prize draw of the "
            "%(clp)s supporters' club."
        )
        % {"clp": reminder.about.constituency.name}
    )
