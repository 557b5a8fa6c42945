from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Officers' home")

    def ready(self) -> None:
        from dashboard import digest
        from partyhub.personal_data import DELETE, register
        from partyhub.personal_data.timeline import NO_TIMELINE

        digest.register_kind()
        # Whether an officer asked for the weekly digest is in their data export.
        register(
            "dashboard.DigestSubscription",
            person_field="person",
            export=["created"],
            section="officer_digest",
            erase=DELETE,
            retention_category="membership",
            describe=_("The officers' weekly digest asked for"),
            timeline=NO_TIMELINE(_("A setting for officers, not something done")),
        )
