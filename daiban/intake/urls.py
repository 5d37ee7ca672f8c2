from django.urls import path

from daiban.intake import views

app_name = "intake"
urlpatterns = [
    path("consultations/", views.consultations, name="consultations"),
    path("directory/", views.directory, name="directory"),
    path("reveal/", views.reveal, name="reveal"),
]
