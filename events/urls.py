from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("<int:pk>/", views.event_detail, name="detail"),
    path("clp/<slug:slug>/", views.calendar, name="calendar"),
    path("clp/<slug:slug>/events.ics", views.calendar_feed, name="feed"),
    path("cancel/<str:token>/", views.cancel_link, name="cancel_link"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("feedback/<str:token>/", views.feedback, name="feedback"),
    path("feed/<str:token>/events.ics", views.my_feed, name="my_feed"),
    path("mine/course/", views.my_course, name="my_course"),
    path("mine/", views.mine, name="mine"),
    path("mine/feed/reset/", views.feed_reset, name="feed_reset"),
    path("mine/<int:pk>/book/", views.book, name="book"),
    path("mine/booking/<int:pk>/cancel/", views.cancel, name="cancel"),
]
