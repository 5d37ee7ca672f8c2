from django.apps import AppConfig


class ProvincialConfig(AppConfig):
    name = "daiban.provincial"
    label = "provincial"
    verbose_name = "省平台报送"

    def ready(self) -> None:
        from daiban.provincial import panels  # noqa: F401  (registers the home-page panel)
