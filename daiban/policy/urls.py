from django.urls import path

from daiban.policy import views

app_name = "policy"
urlpatterns = [
    path("", views.policy_list, name="list"),
    path("search/", views.policy_search, name="search"),
    path("manage/", views.policy_manage, name="manage"),
    path("manage/guides/", views.policy_generate_guides, name="generate_guides"),
    path("new/", views.policy_new, name="new"),
    path("<int:article_id>/", views.policy_detail, name="detail"),
    path("<int:article_id>/edit/", views.policy_edit, name="edit"),
    path("<int:article_id>/publish/", views.policy_status, {"action": "publish"}, name="publish"),
    path("<int:article_id>/unpublish/", views.policy_status, {"action": "unpublish"}, name="unpublish"),
]
