from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "daiban.accounts"
    label = "accounts"
    verbose_name = "账号与登录"

    def ready(self) -> None:
        from daiban.accounts import signals  # noqa: F401  (login, logout, failure and lockout events)
