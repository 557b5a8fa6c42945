from django.urls import path

from canvassing import views

app_name = "canvassing"

urlpatterns = [
    path("", views.home, name="home"),
    path("return/", views.return_save, name="return"),
    path("walk/<int:pk>/", views.walk, name="walk"),
    path("<slug:slug>/", views.constituency, name="constituency"),
    path("<slug:slug>/import/", views.register_import, name="import"),
    path("<slug:slug>/delete/", views.register_delete, name="delete"),
    path("<slug:slug>/walks/", views.walks_create, name="walks_create"),
    path("<slug:slug>/walks/print/", views.walks_print, name="walks_print"),
    path("<slug:slug>/walks/pdf/", views.walks_pdf_view, name="walks_pdf"),
    path("<slug:slug>/results/", views.results, name="results"),
    path("<slug:slug>/polling-day/", views.polling_day, name="polling_day"),
]
