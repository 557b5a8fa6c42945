from django.urls import path

from supporters import views

app_name = "supporters"

urlpatterns = [
    path("join/", views.join, name="join"),
    path("join/<slug:slug>/", views.join, name="join_constituency"),
    path("check-your-email/", views.check_email, name="check_email"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
]
