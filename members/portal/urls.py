from django.urls import path  # noqa: F401

app_name = "portal"

# The portal pages arrive with issue 5.
urlpatterns: list = []
