from django.urls import path

from daiban.adoption import views

app_name = "adoption"
urlpatterns = [
    path("ledger/", views.ledger_page, name="ledger"),
    path("ledger/template.xlsx", views.template_download, name="template"),
    path("ledger/export.xlsx", views.export_download, name="export"),
]
