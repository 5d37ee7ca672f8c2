from django.urls import path

from daiban.accounts import manage_views, views

app_name = "accounts"
urlpatterns = [
    path("", views.account, name="mine"),
    path("password/", views.password_change_view, name="password_change"),
    path("second-factor/", views.second_factor, name="second_factor"),
    path("manage/", manage_views.account_list, name="manage"),
    path("manage/new/", manage_views.account_open, name="manage_new"),
    path("manage/owners/new/", manage_views.owner_account_open, name="manage_owner_new"),
    path("manage/<int:pk>/", manage_views.account_detail, name="manage_user"),
    path("manage/<int:pk>/<slug:action>/", manage_views.account_action, name="manage_action"),
]
