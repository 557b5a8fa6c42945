from django.urls import path

from campaigns import views
from campaigns.views import phonebank, streetwatch, surveys

app_name = "campaigns"

urlpatterns = [
    path("petitions/<slug:slug>/", views.petition, name="petition"),
    path(
        "petitions/<slug:slug>/thanks/", views.petition_thanks, name="petition_thanks"
    ),
    path("sessions/<str:token>/", views.link_sessions, name="link_sessions"),
    path("surveys/<slug:slug>/", surveys.survey, name="survey"),
    path("surveys/<slug:slug>/thanks/", surveys.survey_thanks, name="survey_thanks"),
    path(
        "surveys/<slug:slug>/you/<str:token>/",
        surveys.survey_link,
        name="survey_link",
    ),
    path("mine/", views.mine, name="mine"),
    path("mine/team/<int:pk>/join/", views.join, name="join"),
    path("mine/team/<int:pk>/leave/", views.leave, name="leave"),
    path("mine/team/<int:pk>/contacts/", views.team_contacts, name="team_contacts"),
    path("mine/session/<int:pk>/signup/", views.signup, name="signup"),
    path("mine/session/<int:pk>/record/", views.session_record, name="record"),
    path("report/", streetwatch.street_reports, name="street_reports"),
    path(
        "report/<str:token>/",
        streetwatch.street_report_link,
        name="street_report_link",
    ),
    path("report-photo/<str:token>/", streetwatch.street_photo, name="street_photo"),
    path("calls/", phonebank.call_lists, name="call_lists"),
    path("calls/<int:pk>/", phonebank.call_list, name="call_list"),
    path("calls/<int:pk>/reserve/", phonebank.call_reserve, name="call_reserve"),
    path("calls/entry/<int:pk>/", phonebank.call_outcome, name="call_outcome"),
]
