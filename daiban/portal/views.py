"""The public pages: the service's home, the online request form (website and phone), progress by code."""
from __future__ import annotations

from datetime import date

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from daiban.audit.middleware import client_ip
from daiban.goodbad.stats import county_monthly
from daiban.intake.public_query import progress_query_allow
from daiban.intake.selectors import public_progress
from daiban.intake.services import request_submit
from daiban.lib import ratelimit
from daiban.lib.errors import ValidationFailed
from daiban.portal.forms import ProgressForm, RequestForm
from daiban.portal.selectors import county_center, promise_and_practice, service_points

SUBMITTED = "portal_submitted"  # session key: the last request this browser submitted, for the done page
WRONG_PAIR = "登记编号或查询码不正确"


def _limit(request: HttpRequest, scope: str, limit: int) -> None:
    # The same scopes and limits as the public API, so a page and the API share one allowance per address.
    ratelimit.check(scope, client_ip(request) or "-", limit=limit, window_seconds=settings.PUBLIC_WINDOW_SECONDS)


def _wait_minutes() -> int:
    return max(1, -(-settings.PUBLIC_WINDOW_SECONDS // 60))


def _month_day(day: date) -> str:
    return f"{day.month} 月 {day.day} 日"


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", service_points())


@require_http_methods(["GET"])
def timeliness(request: HttpRequest) -> HttpResponse:
    """承诺时限 / 实际平均: what each main item promises and what it really took in this county."""
    return render(request, "portal/timeliness.html", promise_and_practice())


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, mobile: bool = False) -> HttpResponse:
    template = "portal/m_apply.html" if mobile else "portal/apply.html"
    if request.method == "GET":
        return render(request, template, {"form": RequestForm(), "center": county_center()})
    form = RequestForm(request.POST)
    context = {"form": form, "center": county_center()}
    try:
        _limit(request, "public-submit", settings.PUBLIC_SUBMIT_LIMIT)
    except ratelimit.RateLimited:
        return render(request, template, {**context, "limited_minutes": _wait_minutes()}, status=429)
    if form.is_valid():
        try:
            row, _ = request_submit(data=form.request_data(), idempotency_key=form.idempotency_key)
        except ValidationFailed as refusal:
            form.show(refusal)
        else:
            request.session[SUBMITTED] = {
                "tracking_no": row.tracking_no, "query_code": row.query_code, "project_name": row.project_name,
                "unit": row.unit.name, "unit_phone": row.unit.phone, "mobile": mobile,
                "due": None if row.first_contact_provisional else _month_day(row.first_contact_due),
            }
            return redirect("portal:done")
    return render(request, template, context, status=422)


def done(request: HttpRequest) -> HttpResponse:
    submitted = request.session.get(SUBMITTED)
    if not submitted:
        return redirect("portal:apply")
    return render(request, "portal/done.html", {"submitted": submitted})


@require_http_methods(["GET", "POST"])
def progress(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = ProgressForm(initial={"tracking_no": request.GET.get("tracking_no", "")[:20]})
        return render(request, "portal/progress.html", {"form": form})
    form = ProgressForm(request.POST)
    try:
        progress_query_allow(address=client_ip(request), tracking_no=request.POST.get("tracking_no", ""))
    except ratelimit.RateLimited:
        return render(request, "portal/progress.html", {"form": form, "limited_minutes": _wait_minutes()},
                      status=429)
    if not form.is_valid():
        return render(request, "portal/progress.html", {"form": form}, status=422)
    result = public_progress(**form.cleaned_data)
    if result is None:
        form.add_error(None, WRONG_PAIR)
        return render(request, "portal/progress.html", {"form": form}, status=404)
    return render(request, "portal/progress.html", {"form": ProgressForm(), "result": result})


def good_bad(request: HttpRequest) -> HttpResponse:
    """The county's 好评率 per month (政务服务「好差评」), for everyone to see."""
    months = county_monthly()
    for month in months:
        month["label"] = f"{month['month'][:4]}年{int(month['month'][5:])}月"
    return render(request, "portal/good_bad.html", {"months": list(reversed(months))})
