from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "finance"
    verbose_name = _("Finance")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # What the finance app holds about people (partyhub.personal_data), and
        # what the treasurer and chair may do.
        from finance import personal_data, roles

        personal_data.register_all()
        roles.register()
