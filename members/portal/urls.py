"""The member self-service portal (/me/): no URL names a person."""

from django.urls import path

from members.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("details/", views.details, name="details"),
    path("contact/", views.contact, name="contact"),
    path("interests/", views.interests, name="interests"),
    path("data/", views.data, name="data"),
    path("data/download/", views.data_download, name="data_download"),
    path("data/file/<str:token>/", views.data_file, name="data_file"),
    path("data/erasure/", views.erasure, name="erasure"),
    path("data/erasure/<int:pk>/", views.erasure_detail, name="erasure_detail"),
]
