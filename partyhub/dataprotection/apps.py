from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataProtectionConfig(AppConfig):
    """Retention schedule, privacy notice and policy documents, and the Telephone
    Preference Service list: how long each CLP keeps what it holds, what it tells
    people about it, and whom it may not ring."""

    name = "partyhub.dataprotection"
    label = "dataprotection"
    verbose_name = _("Data protection")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from partyhub.dataprotection import personal_data, roles

        roles.register()
        personal_data.register_all()
        personal_data.register_purposes()
        # Each app says in its own `retention.py` what counts as a person's
        # activity and what its kinds of data are kept for; nothing here names them.
        autodiscover_modules("retention")
