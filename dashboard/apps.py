from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Officers' home")

    def ready(self) -> None:
        from dashboard import digest
        from partyhub.privacy import register_model_section

        digest.register_kind()
        # Whether an officer asked for the weekly digest is in their data export.
        register_model_section(
            "officer_digest", "dashboard.DigestSubscription", fields=["created"]
        )
