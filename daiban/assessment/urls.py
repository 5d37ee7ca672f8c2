from django.urls import path

from daiban.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("drill/<slug:by>/<int:key>/", views.drill, name="drill"),
    path("ledger/", views.ledger, name="ledger"),
    path("exports/", views.export_new, name="export_new"),
    path("exports/<uuid:pk>/", views.export_status, name="export"),
    path("exports/<uuid:pk>/download/", views.export_download, name="export_download"),
    path("supervision/", views.supervision_list, name="supervision"),
    path("supervision/<int:pk>/", views.supervision_case, name="supervision_case"),
    path("public/", views.public, name="public"),
]
