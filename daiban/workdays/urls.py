from django.urls import path

from daiban.workdays import views

app_name = "workdays"
urlpatterns = [
    path("", views.calendar_years, name="years"),
]
