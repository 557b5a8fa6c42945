from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PersonalDataConfig(AppConfig):
    name = "partyhub.personal_data"
    label = "personal_data"
    verbose_name = _("Personal data")

    def ready(self) -> None:
        from partyhub.personal_data import roles as _roles

        # What office roles may do with this app's models.
        _roles.register()
        from partyhub.personal_data import core, mail

        core.register_core()
        core.register_own()
        mail.register()
