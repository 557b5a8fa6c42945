from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    name = "networks"
    verbose_name = _("Networks")

    def ready(self) -> None:
        from members.portal.sections import PortalSection, register_section
        from networks import segments

        segments.register()
        register_section(
            PortalSection(
                "networks",
                _("My networks"),
                "networks:mine",
                _("Policy networks and study groups: discussions and consultations."),
                order=50,
            )
        )
