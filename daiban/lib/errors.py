"""Errors raised by service functions and turned into answers by the API and the pages.

Messages are Chinese because they reach people unchanged.
"""
from __future__ import annotations


class ServiceError(Exception):
    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ValidationFailed(ServiceError):
    """Bad input. `errors` maps a field name (or "__all__") to a Chinese message."""

    status = 422

    def __init__(self, errors: dict[str, str] | str):
        if isinstance(errors, str):
            errors = {"__all__": errors}
        self.errors = errors
        super().__init__("；".join(errors.values()))

    def as_detail(self) -> list[dict[str, str]]:
        return [{"field": field, "message": message} for field, message in self.errors.items()]


class Forbidden(ServiceError):
    status = 403


class NotFound(ServiceError):
    """Also raised for objects outside the caller's data scope: they answer as if absent."""

    status = 404


class Conflict(ServiceError):
    """The object is not in a state that allows the action (e.g. a closed case)."""

    status = 409
