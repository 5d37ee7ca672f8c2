"""The calendar page: administrators import a year's arrangement and put it into force."""
from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from daiban.lib.errors import ServiceError, ValidationFailed
from daiban.org.http import StaffRequest
from daiban.org.pages import require_page_role
from daiban.workdays import loader
from daiban.workdays.selectors import year_overview
from daiban.workdays.services import CALENDAR_ROLES, calendar_confirm_year, calendar_import_year

EXAMPLE = "2027-01-01 休 元旦\n2027-02-05~2027-02-11 休 春节\n2027-02-14 班 调休上班"


def _today() -> date:
    return timezone.localdate()


def _year(text: str) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        raise ValidationFailed({"year": "请填写四位数的年度，例如 2027"}) from None


@login_required
@require_http_methods(["GET", "POST"])
def calendar_years(request: StaffRequest) -> HttpResponse:
    require_page_role(request.user, *CALENDAR_ROLES, action="calendar_page")
    form = {"year": "", "text": "", "note": ""}
    errors: dict[str, str] = {}
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "import":
                form = {key: request.POST.get(key, "") for key in form}
                year = _year(form["year"])
                calendar_import_year(actor=request.user, year=year, text=form["text"], note=form["note"])
                messages.success(request, f"已导入 {year} 年的工作日安排，请核对后确认；确认前不影响期限计算。")
                return redirect("workdays:years")
            if action == "confirm":
                year = _year(request.POST.get("year", ""))
                calendar_confirm_year(actor=request.user, year=year)
                messages.success(request, f"{year} 年的工作日安排已确认生效，相关期限已重新计算。")
                return redirect("workdays:years")
            errors = {"__all__": "未知的操作"}
        except ValidationFailed as exc:
            errors = exc.errors
        except ServiceError as exc:
            errors = {"__all__": exc.message}
    rows = year_overview(loader.get_calendar(), _today())
    return render(request, "workdays/calendar_years.html", {
        "rows": rows, "form": form, "errors": errors, "general_error": errors.get("__all__"), "example": EXAMPLE,
    }, status=422 if errors else 200)
