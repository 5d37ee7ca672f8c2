from django.urls import path

from daiban.notify import views

app_name = "notify"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/read/", views.mark_read, name="read"),
    path("read-all/", views.mark_all_read, name="read_all"),
    path("failures/", views.failures, name="failures"),
    path("failures/<int:pk>/resend/", views.resend, name="resend"),
]
