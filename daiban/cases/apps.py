from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "daiban.cases"
    label = "cases"
    verbose_name = "代办案件"
