from django.apps import AppConfig


class GoodBadConfig(AppConfig):
    name = "daiban.goodbad"
    label = "goodbad"
    verbose_name = "好差评"

    def ready(self) -> None:
        from daiban.goodbad import receivers  # noqa: F401  (opens a rectification for every 差评)
