from django.urls import path

from finance import views

app_name = "finance"

urlpatterns = [
    path(
        "door/<int:event_id>/<int:booking_id>/pay/",
        views.door_pay,
        name="door_pay",
    ),
]
