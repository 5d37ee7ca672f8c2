"""The staff search box, by API."""
from __future__ import annotations

from typing import Any

from ninja import Query, Router

from daiban.cases.search import found_count, hit, search
from daiban.lib.pagination import paginate
from daiban.lib.schemas import AnyPage, PageIn
from daiban.org.http import StaffRequest

router = Router(tags=["查找"])


@router.get("/search", response=AnyPage,
            summary="按登记编号、项目代码、统一社会信用代码、企业、项目名称或联系人（姓名、手机号）查找，限本人数据范围；"
                    "total 为找到的条数，超过 1000 条时为 null")
def find(request: StaffRequest, q: str, page: Query[PageIn]) -> dict[str, Any]:
    rows = search(request.user, q)
    return {**paginate(rows, page, order=["-received_at"], row=hit, count=False), "total": found_count(rows)}
