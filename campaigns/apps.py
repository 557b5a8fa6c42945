from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self) -> None:
        from members.portal.sections import PortalSection, register_section

        register_section(
            PortalSection(
                "teams",
                _("My teams"),
                "campaigns:mine",
                _("Campaign teams you are on, their sessions, and teams to join."),
                order=45,
            )
        )
