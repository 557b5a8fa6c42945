from django.urls import path  # noqa: F401

app_name = "accounts"

# Claiming an account arrives with issue 5.
urlpatterns: list = []
