from django.urls import path

from daiban.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("ranking/", views.ranking, name="ranking"),
    path("good-bad/<slug:kind>/", views.good_bad_rows, name="good_bad"),
    path("team/<slug:kind>/", views.team_rows, name="team"),
    path("drill/<slug:by>/<int:key>/", views.drill, name="drill"),
    path("ledger/", views.ledger, name="ledger"),
    path("exports/", views.export_new, name="export_new"),
    path("exports/<uuid:pk>/", views.export_status, name="export"),
    path("exports/<uuid:pk>/download/", views.export_download, name="export_download"),
    path("supervision/", views.supervision_list, name="supervision"),
    path("supervision/<int:pk>/", views.supervision_case, name="supervision_case"),
    path("public/", views.public, name="public"),
]
