from django.urls import path

from daiban.provincial import views

app_name = "provincial"
urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("<int:pk>/replay/", views.replay, name="replay"),
]
