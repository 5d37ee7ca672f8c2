from django.urls import path

from daiban.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("requests/", views.request_list, name="requests"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("<int:pk>/agreement/", views.case_agreement, name="agreement"),
    path("<int:pk>/team/", views.case_team, name="team"),
    path("<int:pk>/documents/<slug:kind>.docx", views.case_document, name="document"),
    path("<int:pk>/documents/<str:serial>/<int:version>.docx", views.case_document_version,
         name="document_version"),
]
