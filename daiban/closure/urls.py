from django.urls import path

from daiban.closure import views

app_name = "closure"
urlpatterns = [
    path("", views.closure_list, name="list"),
    path("fee-alerts/", views.fee_alerts, name="fee_alerts"),
    path("evaluate/<str:token>/", views.evaluate_by_link, name="evaluate_by_link"),
    path("cases/<int:pk>/", views.case_closure, name="case"),
    path("cases/<int:pk>/complete/", views.complete, name="complete"),
    path("cases/<int:pk>/terminate/", views.terminate, name="terminate"),
    path("cases/<int:pk>/archive.zip", views.archive, name="archive"),
    path("cases/<int:pk>/evaluate/", views.evaluate, name="evaluate"),
    path("cases/<int:pk>/evaluate/window/", views.evaluate_at_window, name="evaluate_at_window"),
    path("cases/<int:pk>/department-ratings/", views.department_ratings, name="ratings"),
]
