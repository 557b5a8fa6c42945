from django.urls import path

from governance import views

app_name = "governance"

urlpatterns = [
    path("me/", views.mine, name="mine"),
    path("me/meetings/<int:pk>/", views.meeting, name="meeting"),
    path("me/meetings/<int:pk>/here/", views.check_in, name="check_in"),
    path("me/meetings/<int:pk>/motion/", views.motion_new, name="motion_new"),
    path("me/meetings/<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("me/papers/<int:pk>/", views.paper, name="paper"),
    path("me/ballots/<int:pk>/", views.ballot, name="ballot"),
]
