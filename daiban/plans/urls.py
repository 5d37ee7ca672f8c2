from django.urls import path

from daiban.plans import views

app_name = "plans"
urlpatterns = [
    path("my-items/", views.my_items, name="my_items"),
    path("cases/<int:case_id>/", views.plan_page, name="plan"),
    path("cases/<int:case_id>/generate/", views.plan_generate, name="generate"),
    path("cases/<int:case_id>/items/<slug:code>/", views.item_page, name="item"),
    path("cases/<int:case_id>/worklog/", views.worklog_add, name="worklog"),
    path("cases/<int:case_id>/visits/", views.visit_add, name="visits"),
    path("cases/<int:case_id>/progress/send/", views.progress_report_send, name="progress_send"),
    path("cases/<int:case_id>/progress/<int:report_id>.docx", views.progress_document, name="progress_document"),
]
