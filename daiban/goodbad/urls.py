from django.urls import path

from daiban.goodbad import views

app_name = "goodbad"
urlpatterns = [
    path("", views.review_list, name="list"),
    path("<int:pk>/", views.review_detail, name="detail"),
]
