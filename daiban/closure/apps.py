from django.apps import AppConfig


class ClosureConfig(AppConfig):
    name = "daiban.closure"
    label = "closure"
    verbose_name = "办结与评价"

    def ready(self) -> None:
        from daiban.closure import panels  # noqa: F401  (registers the home-page panels)
