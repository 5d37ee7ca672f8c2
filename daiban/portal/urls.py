from django.urls import path

from daiban.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("apply/", views.apply, name="apply"),
    path("apply/done/", views.done, name="done"),
    path("m/apply/", views.apply, {"mobile": True}, name="m_apply"),
    path("progress/", views.progress, name="progress"),
    path("timeliness/", views.timeliness, name="timeliness"),
    path("good-bad/", views.good_bad, name="good_bad"),
]
