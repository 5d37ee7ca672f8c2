from django.urls import path

from daiban.desk import views

app_name = "desk"
urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/verify/", views.audit_verify_start, name="audit_verify"),
    path("audit/verify/<int:pk>/", views.audit_verify_progress, name="audit_verify_progress"),
    path("rules/", views.rules, name="rules"),
    path("search/", views.search_page, name="search"),
    path("ops/", views.system, name="system"),
]
