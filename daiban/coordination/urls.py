from django.urls import path

from daiban.coordination import views

app_name = "coordination"
urlpatterns = [
    path("", views.issue_list, name="issues"),
    path("issues/new/", views.issue_pick, name="issue_pick"),
    path("cases/<int:case_id>/issues/new/", views.issue_new, name="issue_new"),
    path("issues/<int:pk>/", views.issue_page, name="issue"),
    path("linked/", views.linked_list, name="linked_list"),
    path("linked/new/", views.linked_new, name="linked_new"),
    path("linked/<int:pk>/", views.linked_page, name="linked"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_page, name="meeting"),
    path("meetings/<int:pk>/record.docx", views.meeting_docx, name="meeting_docx"),
]
