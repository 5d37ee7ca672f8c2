from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "daiban.plans"
    label = "plans"
    verbose_name = "代办计划与实施"

    def ready(self) -> None:
        from daiban.plans import panels, recompute  # noqa: F401  (register the home panels and the calendar hook)
