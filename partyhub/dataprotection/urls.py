from django.urls import path

from partyhub.dataprotection import views

app_name = "privacy"

urlpatterns = [
    path("", views.notice_index, name="index"),
    path("<slug:slug>/", views.notice, name="notice"),
]
