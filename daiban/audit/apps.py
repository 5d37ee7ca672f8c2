from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "daiban.audit"
    label = "audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from daiban.audit import signals  # noqa: F401  (connects its receivers once the models are loaded)
