from django.urls import path

from networks import views

app_name = "networks"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("join/<str:token>/", views.join_link, name="join_link"),
    path("<int:pk>/", views.network_detail, name="detail"),
    path("<int:pk>/join/", views.join, name="join"),
    path("<int:pk>/leave/", views.leave, name="leave"),
    path("<int:pk>/threads/<int:thread_pk>/", views.thread_detail, name="thread"),
    path("requests/<int:pk>/approve/", views.approve, name="approve"),
    path("posts/<int:pk>/edit/", views.post_edit_view, name="post_edit"),
    path("posts/<int:pk>/moderate/", views.post_moderate, name="post_moderate"),
    path("consultations/<int:pk>/", views.consultation_detail, name="consultation"),
    path("memberships/<int:pk>/digest/", views.digest, name="digest"),
    path("<int:pk>/invite/", views.network_invite, name="invite"),
    path(
        "consultations/<int:pk>/submission/",
        views.submission_edit,
        name="submission",
    ),
    path(
        "consultations/<int:pk>/submission.pdf",
        views.consultation_pdf,
        name="consultation_pdf",
    ),
    path(
        "consultations/<int:pk>/export/",
        views.consultation_export,
        name="consultation_export",
    ),
]
