from django.urls import path

from dashboard import portal

app_name = "dashboard"

urlpatterns = [
    path("digest/", portal.digest, name="digest"),
]
