from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "daiban.policy"
    label = "policy"
    verbose_name = "政策与公开"

    def ready(self) -> None:
        from daiban.policy import signals  # noqa: F401  (keeps the guides' index in step with the catalog)
