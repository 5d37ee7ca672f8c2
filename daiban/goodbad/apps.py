from django.apps import AppConfig


class GoodBadConfig(AppConfig):
    name = "daiban.goodbad"
    label = "goodbad"
    verbose_name = "好差评"

    def ready(self) -> None:
        from daiban.goodbad import panels, receivers  # noqa: F401  (home panel; a rectification for every 差评)
