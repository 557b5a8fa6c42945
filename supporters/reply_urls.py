from django.urls import path

from supporters import replies

app_name = "asks"

urlpatterns = [
    path("<str:token>/", replies.reply, name="reply"),
]
