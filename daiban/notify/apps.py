from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "daiban.notify"
    label = "notify"
    verbose_name = "通知"
