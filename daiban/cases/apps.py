from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "daiban.cases"
    label = "cases"
    verbose_name = "代办案件"

    def ready(self) -> None:
        from daiban.cases import panels  # noqa: F401  (registers the home-page panels)
