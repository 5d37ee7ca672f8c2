from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    name = "daiban.coordination"
    label = "coordination"
    verbose_name = "问题协调"

    def ready(self) -> None:
        # The home-page panels and the calendar recompute hook register themselves on import.
        from daiban.coordination import panels, recompute  # noqa: F401
