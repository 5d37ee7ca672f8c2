from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "daiban.assessment"
    label = "assessment"
    verbose_name = "考核与台帐"

    def ready(self) -> None:
        from daiban.assessment import (  # they read the models: loaded once the registry is ready
            agents,
            departments,
            panels,  # noqa: F401  (registers the home-page panels)
            rollups,
            tasks,  # noqa: F401  (registers the calendar hook)
        )

        rollups.connect()  # the case rollups follow the rows the lower apps create
        departments.connect()  # and the case figures by department
        agents.connect()  # and by agent
