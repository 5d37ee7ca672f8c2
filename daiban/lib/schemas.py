"""The API's error bodies, as the handlers in daiban/api.py write them, for the OpenAPI schema."""
from __future__ import annotations

from ninja import Schema


class Detail(Schema):
    """A refusal or a missing object: {"detail": "…"} in Chinese."""

    detail: str


class Problem(Schema):
    field: str
    message: str


class Problems(Schema):
    """Bad input (422): one Chinese message per field."""

    detail: list[Problem]
