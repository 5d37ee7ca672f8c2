"""The case page (/cases/<pk>/, named cases:case): the case's own sections (daiban/cases/views.py), the plan and its
execution (daiban/plans/views.py) and the items' blocking issues (daiban/coordination/selectors.py). Composed here,
above the three (its template too: desk/case_page.html), so that none of them imports another sideways;
daiban/urls.py mounts it among the case pages."""
from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from daiban.cases.models import Case
from daiban.cases.selectors import cases_for
from daiban.cases.views import case_context, case_post
from daiban.coordination.selectors import blocking_issues
from daiban.lib.links import url_for_each
from daiban.org.http import StaffRequest
from daiban.org.pages import staff_page
from daiban.org.scope import get_in_scope
from daiban.plans.selectors import plan_page_case
from daiban.plans.views import case_section

TEMPLATE = "desk/case_page.html"


@staff_page
@require_http_methods(["GET", "POST"])
def case_page(request: StaffRequest, pk: int) -> HttpResponse:
    if request.method == "GET":
        return render(request, TEMPLATE, _context(request, plan_page_case(request.user, pk)))
    case = get_in_scope(cases_for(request.user), pk=pk, user=request.user)
    answer = case_post(request, case)
    if isinstance(answer, HttpResponse):
        return answer
    return render(request, TEMPLATE, _context(request, case, **answer), status=422)


def _context(request: StaffRequest, case: Case, **forms: Any) -> dict:
    context = case_context(request, case, **forms)
    blocked = blocking_issues(case)
    # Each item beside the titles of the issues that block it and its catalogue page (the template's
    # `for item, blocked_by, catalog_url in items`), that page reversed once for all the items.
    catalog_url = url_for_each("catalog:detail")
    context["items"] = [(item, blocked.get(item.pk, []), catalog_url(item.catalog_item.code))
                        for item in context["items"]]
    context["plan_section"] = case_section(request, case)
    return context
