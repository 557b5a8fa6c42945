from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("<slug:slug>/", views.constituency_home, name="constituency"),
]
