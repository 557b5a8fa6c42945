from django.urls import path

from campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("petitions/<slug:slug>/", views.petition, name="petition"),
    path(
        "petitions/<slug:slug>/thanks/", views.petition_thanks, name="petition_thanks"
    ),
]
