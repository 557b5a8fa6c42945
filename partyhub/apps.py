from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartyhubConfig(AppConfig):
    """The project package as an app: its management commands and Celery tasks."""

    name = "partyhub"
    verbose_name = _("partyhub")
