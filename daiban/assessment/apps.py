from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "daiban.assessment"
    label = "assessment"
    verbose_name = "考核与台帐"

    def ready(self) -> None:
        from daiban.assessment import panels  # noqa: F401  (registers the home-page panels)
        from daiban.assessment.rollups import connect  # it reads the models: loaded once the registry is ready

        connect()  # the case rollups follow the rows the lower apps create
