from django.contrib import admin
from django.urls import include, path

from partyhub import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("partyhub.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("me/", include("members.portal.urls")),
    path("me/", include("dashboard.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("clp/", include("members.urls")),
    path("comms/", include("partyhub.comms.urls")),
    path("supporters/", include("supporters.urls")),
    path("ask/", include("supporters.reply_urls")),
    path("events/", include("events.urls")),
    path("networks/", include("networks.urls")),
    path("governance/", include("governance.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("finance/", include("finance.urls")),
    path("canvassing/", include("canvassing.urls")),
    path("privacy/", include("partyhub.dataprotection.urls")),
]

handler500 = "partyhub.views.server_error"
