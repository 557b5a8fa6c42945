"""The member self-service portal (/me/): no URL names a person."""

from django.urls import path

from members.desk import portal as mentoring
from members.portal import views
from members.talent import views as talent_views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("details/", views.details, name="details"),
    path("contact/", views.contact, name="contact"),
    path("interests/", talent_views.interests, name="interests"),
    path(
        "interests/<int:pk>/remove/",
        talent_views.interest_remove,
        name="interest_remove",
    ),
    path("standing/", talent_views.standing, name="standing"),
    path("forums/", talent_views.forums, name="forums"),
    path("forums/<int:pk>/", talent_views.forum_detail, name="forum"),
    path("forums/join/<str:token>/", talent_views.forum_join, name="forum_join"),
    path(
        "forums/<int:pk>/members/<int:member_pk>/remove/",
        talent_views.forum_member_remove,
        name="forum_member_remove",
    ),
    path("history/", views.history, name="history"),
    path("data/", views.data, name="data"),
    path("data/download/", views.data_download, name="data_download"),
    path("data/file/<str:token>/", views.data_file, name="data_file"),
    path("data/erasure/", views.erasure, name="erasure"),
    path("data/erasure/<int:pk>/", views.erasure_detail, name="erasure_detail"),
    # Mentoring (issue 6): a mentor's new members.
    path("mentees/", mentoring.mentees, name="mentees"),
    path("mentees/<int:pk>/", mentoring.mentee, name="mentee"),
]
