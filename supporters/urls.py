from django.urls import path  # noqa: F401

app_name = "supporters"

# The public signup, confirmation and leaving pages arrive with the signup work.
urlpatterns: list = []
