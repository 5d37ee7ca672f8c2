"""The API's shared shapes, for the OpenAPI schema: the one error body, a page of a list, the page's query."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from ninja import Field, Schema

from daiban.lib.pagination import DEFAULT_LIMIT, MAX_LIMIT

T = TypeVar("T")


class ErrorField(Schema):
    field: str = Field(description="字段名（请求体、查询参数或请求头）；`__all__` 表示不属于某个字段")
    message: str


class Error(Schema):
    """Every API error: a stable machine code, a Chinese explanation, the fields at fault (422 only)."""

    code: str = Field(description="稳定的机器码，如 case.closed、validation.invalid；全表见 docs/api.md")
    detail: str = Field(description="中文说明，可直接展示给用户")
    fields: list[ErrorField] = Field(description="输入有误时逐项列出；其他错误为空列表")


def errors(*statuses: int) -> dict[int, type[Error]]:
    """response={200: Out, **errors(403, 409)}: the refusals an operation can answer besides the ones every
    operation of its kind has (daiban/api.py adds 400, 401, 404, 422 and 429 from its signature)."""
    return {status: Error for status in statuses}


class PageIn(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"每页条数，1–{MAX_LIMIT}，默认 {DEFAULT_LIMIT}")
    cursor: str | None = Field(None, max_length=2000, description="上一页答复中的 next_cursor；不传为第一页")


class Page(Schema, Generic[T]):
    """One page of a list; `next_cursor` is null on the last page."""

    items: list[T]
    total: int | None = Field(description="符合条件的总条数（计算代价高时为 null）")
    next_cursor: str | None = Field(description="下一页的 cursor；没有下一页时为 null")


class AnyPage(Page[dict[str, Any]]):
    """A page of objects described in the operation's summary."""


def open_to_readers(view_func: Callable) -> Callable:
    """Marks a POST that only reads (a search, a reveal), so the read-only roles may call it
    (daiban/accounts/readonly.py) and the schema does not list the read-only refusal for it."""
    view_func.open_to_readers = True  # type: ignore[attr-defined]
    return view_func


def without_idempotency_key(view_func: Callable) -> Callable:
    """For an operation whose answer must never be stored (it hands out a secret): the Idempotency-Key replay
    (daiban/idempotency/replay.py) leaves it alone and the schema does not offer the header for it."""
    view_func.keeps_answer = False  # type: ignore[attr-defined]
    return view_func
