from django.urls import path

from daiban.teams import views

app_name = "teams"
urlpatterns = [
    path("", views.home, name="home"),
    path("meetings/", views.meeting_list, {"section": "meetings"}, name="meetings"),
    path("trainings/", views.meeting_list, {"section": "trainings"}, name="trainings"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("records/", views.record_list, name="records"),
]
