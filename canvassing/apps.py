from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CanvassingConfig(AppConfig):
    name = "canvassing"
    verbose_name = _("Canvassing")

    def ready(self) -> None:
        from canvassing import audit, campaigns, personal_data, roles

        audit.register()

        personal_data.register_all()
        roles.register()
        campaigns.register()
