from django.urls import path

from partyhub.accounts import views

app_name = "accounts"

urlpatterns = [
    path("claim/", views.claim, name="claim"),
    path("claim/sent/", views.claim_sent, name="claim_sent"),
    path("claim/link/<str:token>/", views.claim_link, name="claim_link"),
]
