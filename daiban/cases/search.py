"""Find anything: one query over tracking number, project code, credit code, company, project and contact.

Identifiers match exactly (a mobile number or a contact's full name through their keyed hashes, since both are
stored encrypted); free text matches when every word of the query occurs in the row's search text. Everything is
limited to the caller's data scope, and each hit leads to the case, or to the request while none exists.
"""
from __future__ import annotations

import operator
import re
from functools import cached_property, reduce

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import BooleanField, Exists, Func, OuterRef, Q, QuerySet, Value

from daiban.cases.selectors import department_items
from daiban.intake.models import Request
from daiban.intake.selectors import scope_condition
from daiban.lib.errors import ValidationFailed
from daiban.lib.personal import lookup_hash
from daiban.lib.search_text import MAX_QUERY_LENGTH, pieces_query, query_words
from daiban.org.scope import scope_of

_MOBILE = re.compile(r"1[3-9]\d{9}")
_CREDIT_CODE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}")
_PROJECT_CODE = re.compile(r"[0-9A-Z-]{10,24}")
_NAME = re.compile(r"[\u4e00-\u9fff·]{2,10}")
# A search names how many it found up to this many; beyond, "more than" (counting costs a scan of them all).
COUNT_LIMIT = 1000


def search_query(q: str | None) -> str:
    """The query as typed, checked: not empty, not over-long, no control characters."""
    q = (q or "").strip()
    if not q:
        raise ValidationFailed({"q": "请输入要查找的登记编号、项目代码、统一社会信用代码、企业、项目或联系人"})
    if len(q) > MAX_QUERY_LENGTH:
        raise ValidationFailed({"q": f"查询内容不能超过 {MAX_QUERY_LENGTH} 个字"})
    if any(ord(ch) < 32 for ch in q):
        raise ValidationFailed({"q": "查询内容含有不可见的控制字符"})
    return q


class _HoldsPieces(Func):
    """PostgreSQL: the row's stored pieces (intake migration 0009) hold every piece of the query's words."""

    template = "search_pieces @@ %(expressions)s::tsquery"
    output_field = BooleanField()


def _words(words: list[str]) -> Q:
    """Every word occurs in the row's search text. On PostgreSQL the index of the text's pieces narrows the rows
    first (one GIN look-up for all the words), and the LIKE of each word confirms: the same rows as on SQLite."""
    found = reduce(operator.and_, (Q(search_text__contains=word) for word in words))
    pieces = pieces_query(words)
    if pieces is None or connection.vendor != "postgresql":
        return found
    return Q(_HoldsPieces(Value(pieces))) & found


def _row_identifiers(q: str) -> Q:
    """Identifiers held in the request's own indexed columns: the tracking number, the contact's mobile number or
    full name (by their keyed hashes, as both are stored encrypted)."""
    compact = re.sub(r"[\s-]", "", q).upper()
    found = Q(tracking_no=compact)
    if _MOBILE.fullmatch(compact.removeprefix("+86")):
        found |= Q(contact_phone_hash=lookup_hash(compact.removeprefix("+86"), kind="phone"))
    if _NAME.fullmatch(q):
        found |= Q(contact_name_hash=lookup_hash(q, kind="name"))
    return found


def _linked_identifiers(q: str) -> list[QuerySet]:
    """Identifiers held in linked rows: the company's credit code, the case's project code. Each is its own
    index-backed look-up, joined to the rest by UNION (an OR across tables would scan every request)."""
    compact = re.sub(r"[\s-]", "", q).upper()
    code = q.strip().upper()
    linked = []
    if _CREDIT_CODE.fullmatch(compact):
        linked.append(Request.objects.filter(company__credit_code=compact))
    if _PROJECT_CODE.fullmatch(code):
        linked.append(Request.objects.filter(case__project__project_code=code))
    return [rows.order_by().values("pk") for rows in linked]


def in_scope_requests(user) -> QuerySet[Request]:
    """Requests the caller may see: their unit's and company's, and for a liaison officer those whose case
    holds an item of their department. The department rule is asked of each candidate row (EXISTS, by index)
    rather than gathered for the whole county first, which a liaison officer's tens of thousands of items make
    dear."""
    scope = scope_of(user)
    if scope.county_wide:
        return Request.objects.all()
    condition = scope_condition(scope, unit="unit", company="company")
    if (items := department_items(scope, user)) is not None:
        condition |= Q(Exists(items.filter(case__request=OuterRef("pk"))))
    return Request.objects.filter(condition)


def search(user, q: str | None) -> QuerySet[Request]:
    """The requests (with their cases) that match `q`, in the caller's scope, newest first."""
    q = search_query(q)
    words = query_words(q)
    matches = _row_identifiers(q) | _words(words) if words else _row_identifiers(q)
    linked = _linked_identifiers(q)
    if linked:
        matches = Q(pk__in=Request.objects.filter(matches).order_by().values("pk").union(*linked))
    return (in_scope_requests(user).filter(matches)
            .select_related("case", "case__project", "unit", "company").order_by("-received_at", "-pk"))


def found_count(rows: QuerySet) -> int | None:
    """How many rows a search found, counted up to COUNT_LIMIT; None beyond (a common word would otherwise be
    counted over the whole county on every search)."""
    counted = rows.order_by().values("pk")[:COUNT_LIMIT + 1].count()
    return counted if counted <= COUNT_LIMIT else None


class SearchPaginator(Paginator):
    """The search page's pages over the first COUNT_LIMIT hits, counted by one capped count (`more`: there are
    more hits than that, to be narrowed by another word)."""

    def __init__(self, rows: QuerySet, per_page: int):
        self.limit = COUNT_LIMIT
        super().__init__(rows[:self.limit + 1], per_page)

    @cached_property
    def counted(self) -> int:
        rows: QuerySet = self.object_list  # type: ignore[assignment]  # always the sliced QuerySet given above
        return rows.count()

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.limit)

    @property
    def more(self) -> bool:
        return self.counted > self.limit


def hit(row: Request) -> dict:
    """One hit as pages and the API show it: the case where there is one, else the request."""
    case = getattr(row, "case", None)
    if case is not None:
        return {"kind": "case", "id": case.pk, "tracking_no": row.tracking_no, "project": case.project.name,
                "project_code": case.project.project_code or row.project_code, "company": row.company.name,
                "credit_code": row.company.credit_code, "unit": row.unit.name, "status": case.status,
                "status_label": case.get_status_display(), "link": f"/cases/{case.pk}/"}
    return {"kind": "request", "id": row.pk, "tracking_no": row.tracking_no, "project": row.project_name,
            "project_code": row.project_code, "company": row.company_name, "credit_code": row.company.credit_code,
            "unit": row.unit.name, "status": row.status, "status_label": row.get_status_display(),
            "link": f"/cases/requests/{row.pk}/"}

