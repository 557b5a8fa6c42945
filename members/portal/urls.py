"""The member self-service portal (/me/): no URL names a person."""

from django.urls import path

from members.desk import portal as mentoring
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
    # Mentoring (issue 6): a mentor's new members.
    path("mentees/", mentoring.mentees, name="mentees"),
    path("mentees/<int:pk>/", mentoring.mentee, name="mentee"),
]
