from django.contrib.admin.apps import AdminConfig


class PartyAdminConfig(AdminConfig):
    default_site = "partyhub.admin_site.PartyAdminSite"
