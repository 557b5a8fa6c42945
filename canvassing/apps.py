from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CanvassingConfig(AppConfig):
    name = "canvassing"
    verbose_name = _("Canvassing")

    def ready(self) -> None:
        from canvassing import campaigns, personal_data, roles

        personal_data.register_all()
        roles.register()
        campaigns.register()
