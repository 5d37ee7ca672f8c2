"""The password rules beyond Django's own (length, common passwords): settings.AUTH_PASSWORD_VALIDATORS."""
from __future__ import annotations

import secrets
import string

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

CLASSES = ("小写字母", "大写字母", "数字", "符号")


def character_classes(password: str) -> int:
    return sum((
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ))


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with its message in Chinese (Django 5.2's own translation misses this message)."""

    def get_error_message(self) -> str:
        return f"密码太短：至少 {self.min_length} 个字符。"

    def get_help_text(self) -> str:
        return f"至少 {self.min_length} 个字符。"


class CharacterClassesValidator:
    """At least `classes` of the four: lower case, upper case, digits, symbols."""

    def __init__(self, classes: int = 3):
        self.classes = classes

    def validate(self, password: str, user=None) -> None:
        if character_classes(password) < self.classes:
            raise ValidationError(f"密码须包含{'、'.join(CLASSES)}四类中的至少 {self.classes} 类。",
                                  code="password_too_simple")

    def get_help_text(self) -> str:
        return f"至少包含{'、'.join(CLASSES)}中的 {self.classes} 类。"


class NotUserNameValidator:
    """The user name, forwards or backwards, in any case, is never part of the password."""

    def validate(self, password: str, user=None) -> None:
        username = (getattr(user, "username", "") or "").lower()
        lowered = password.lower()
        if len(username) >= 3 and (username in lowered or username[::-1] in lowered):
            raise ValidationError("密码不能包含用户名。", code="password_contains_username")

    def get_help_text(self) -> str:
        return "不能包含用户名。"


def initial_password() -> str:
    """A random initial password that passes every rule; its holder changes it at the first login."""
    alphabet = string.ascii_letters + string.digits
    while True:
        body = "".join(secrets.choice(alphabet) for _ in range(12))
        candidate = f"{body[:4]}-{body[4:8]}-{body[8:]}"
        if character_classes(candidate) == 4:
            return candidate
