"""Find anything: one query over tracking number, project code, credit code, company, project and contact.

Identifiers match exactly (a mobile number or a contact's full name through their keyed hashes, since both are
stored encrypted); free text matches when every word of the query occurs in the row's search text. Everything is
limited to the caller's data scope, and each hit leads to the case, or to the request while none exists.
"""
from __future__ import annotations

import operator
import re
from functools import reduce

from django.db.models import Q, QuerySet

from daiban.cases.selectors import cases_for
from daiban.intake.models import Request
from daiban.intake.selectors import requests_for
from daiban.lib.errors import ValidationFailed
from daiban.lib.personal import lookup_hash
from daiban.lib.search_text import MAX_QUERY_LENGTH, query_words
from daiban.org.scope import scope_of

_MOBILE = re.compile(r"1[3-9]\d{9}")
_CREDIT_CODE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}")
_PROJECT_CODE = re.compile(r"[0-9A-Z-]{10,24}")
_NAME = re.compile(r"[\u4e00-\u9fff·]{2,10}")


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


def _identifiers(q: str) -> Q:
    compact = re.sub(r"[\s-]", "", q).upper()
    found = Q(tracking_no__iexact=q)
    if _MOBILE.fullmatch(compact.removeprefix("+86")):
        found |= Q(contact_phone_hash=lookup_hash(compact, kind="phone"))
    if _CREDIT_CODE.fullmatch(compact):
        found |= Q(company__credit_code=compact)
    if _PROJECT_CODE.fullmatch(q.strip().upper()):
        code = q.strip().upper()
        found |= Q(project_code=code) | Q(case__project__project_code=code)
    if _NAME.fullmatch(q):
        found |= Q(contact_name_hash=lookup_hash(q, kind="name"))
    return found


def in_scope_requests(user) -> QuerySet[Request]:
    """Requests the caller may see: their unit's and company's, and for a liaison officer those whose case
    holds an item of their department."""
    scope = scope_of(user)
    if scope.county_wide:
        return Request.objects.all()
    condition = Q(pk__in=requests_for(user).values("pk"))
    if scope.department_ids:
        condition |= Q(case__in=cases_for(user).values("pk"))
    return Request.objects.filter(condition)


def search(user, q: str | None) -> QuerySet[Request]:
    """The requests (with their cases) that match `q`, in the caller's scope, newest first."""
    q = search_query(q)
    words = query_words(q)
    matches = _identifiers(q)
    if words:
        matches |= reduce(operator.and_, (Q(search_text__contains=word) for word in words))
    return (in_scope_requests(user).filter(matches)
            .select_related("case", "case__project", "unit", "company").order_by("-received_at", "-pk"))


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

