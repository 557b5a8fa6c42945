from django.urls import path  # noqa: F401

app_name = "asks"

# Signed reply links for asks ("yes / no / done") arrive with the asks work.
urlpatterns: list = []
