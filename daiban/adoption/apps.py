from django.apps import AppConfig


class AdoptionConfig(AppConfig):
    name = "daiban.adoption"
    label = "adoption"
    verbose_name = "台帐导入"
