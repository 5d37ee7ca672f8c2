from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "daiban.intake"
    label = "intake"
    verbose_name = "代办受理"
