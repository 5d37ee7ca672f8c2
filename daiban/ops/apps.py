from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "daiban.ops"
    verbose_name = "运行维护"
