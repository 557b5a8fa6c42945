from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "partyhub.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from partyhub.audit import roles

        # Every officer reads their CLP's audit log.
        roles.register()
