"""Pages of assessment: the dashboard, the ledger and its exports, supervision, the public figures."""
from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from daiban.assessment import access, supervision
from daiban.assessment.api import parse_year, public_stats_cached
from daiban.assessment.dimensions import DIMENSIONS
from daiban.assessment.ledger import LEDGER_COLUMNS, WARNINGS, ledger_page, ledger_table, parse_filters
from daiban.assessment.models import Export
from daiban.assessment.periods import Period, parse_period
from daiban.assessment.scoped import Scoped
from daiban.assessment.selectors import (
    ORDERS,
    bottlenecks,
    chart_rows,
    drill_cases,
    drill_check,
    monthly,
    practice_trend,
    stats,
)
from daiban.assessment.services import export_start
from daiban.assessment.team_records import team_summary
from daiban.cases.states import CaseStatus
from daiban.goodbad.stats import figures as good_bad_figures
from daiban.intake.models import Category
from daiban.lib import clock
from daiban.lib.errors import NotFound, ValidationFailed
from daiban.lib.links import url_for_each
from daiban.lib.together import at_once
from daiban.org.http import StaffRequest
from daiban.org.pages import staff_page
from daiban.org.selectors import unit_choices
from daiban.plans.deadlines import LABELS as WARNING_LABELS

PER_PAGE = 50
FIGURE_LABELS = {
    "received": "收到申请", "accepted": "受理", "completed": "办结", "terminated": "终止",
    "on_time_rate": "按时办结率", "avg_workdays": "平均用时（工作日）", "avg_limit": "平均承诺时限",
    "overdue": "逾期案件", "overdue_rate": "逾期率", "visits_per_case": "业主平均到场次数", "satisfaction": "满意度",
    "reported_up": "上报事项", "report_up_late": "上报逾期",
}


page = staff_page


def _partial(request: StaffRequest) -> bool:
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")


# 考核统计 ----------------------------------------------------------------------------------------------


def _period_and_choices(request: StaffRequest) -> tuple[Period, str, str, list[str]]:
    errors: list[str] = []
    try:
        period = parse_period(request.GET.get("from"), request.GET.get("to"))
    except ValidationFailed as refusal:
        errors += list(refusal.errors.values())
        period = parse_period(None, None)
    by = request.GET.get("by", "unit")
    if by not in DIMENSIONS:
        errors.append("统计维度不正确，已按代办机构统计")
        by = "unit"
    order = request.GET.get("order", "accepted")
    order = order if order in ORDERS else "accepted"
    return period, by, order, errors


# Rows of each long table on the dashboard: a province has ~290 units and ~700 agents, and rendering every row
# was most of the page's time (496 kB). The listings below page through all of them.
TOP = 20
RANK_NOUNS = {"unit": "个代办机构", "township": "个乡镇（园区）", "agent": "名代办员", "department": "个审批部门"}
GOOD_BAD_TABLES = {"units": ("代办机构", "个代办机构"), "departments": ("审批部门", "个审批部门"),
                   "agents": ("代办员", "名代办员")}
TEAM_TABLES = {"units": ("代办机构", "个代办机构"), "people": ("代办人员", "名代办人员")}


@dataclass(frozen=True)
class Shown:
    """The first rows of a long table on the dashboard, how many there are and where to read them all."""

    title: str
    rows: list
    total: int
    url: str
    noun: str  # what is counted, with its measure word: "个代办机构"

    @property
    def more(self) -> bool:
        return self.total > len(self.rows)


def _period_query(period: Period) -> dict[str, str]:
    return {"from": period.start.isoformat(), "to": period.end.isoformat()}


def _drilled(rows: list[dict], by: str, query: str) -> list[tuple[dict, str]]:
    drill = url_for_each("assessment:drill", by, placeholder=0)  # one reversal for all the rows
    return [(row, drill(row["key"]) + "?" + query) for row in rows]


@page
@require_GET
def dashboard(request: StaffRequest) -> HttpResponse:
    access.require_reader(request.user, access.STATS_READERS, "assessment_dashboard")
    period, by, order, errors = _period_and_choices(request)
    scoped = Scoped.of(request.user)
    # independent reads, at once (lib/together.py): the ranking's, the charts', and the other tables'
    table, (months, units, departments, bottleneck_groups), (trend, good_bad, team) = at_once(
        lambda: stats(scoped, period, by, order),
        lambda: (monthly(scoped, period),
                 None if by == "unit" else chart_rows(scoped, period, "unit", ("items",)),
                 None if by == "department" else chart_rows(scoped, period, "department", ("overdue",)),
                 bottlenecks(scoped, period)),
        lambda: (practice_trend(period.end), good_bad_figures(period), team_summary(scoped, period)))
    units = table["rows"] if units is None else units
    departments = table["rows"] if departments is None else departments
    query = urlencode(_period_query(period))
    charts = {
        "months": months,
        "units": sorted(({"key": r["key"], "name": r["name"], "on_time_rate": r["on_time_rate"]} for r in units),
                        key=lambda r: (r["on_time_rate"] is None, -(r["on_time_rate"] or 0))),
        "departments": sorted(({"key": r["key"], "name": r["name"], "overdue": r["overdue"]} for r in departments),
                              key=lambda r: -r["overdue"]),
        "drill": url_for_each("assessment:drill", "__by__", placeholder=0)("__key__") + "?" + query,
    }
    ranking = Shown(table["by_label"], _drilled(table["rows"][:TOP], by, query), len(table["rows"]),
                    reverse("assessment:ranking") + "?" + urlencode({**_period_query(period), "by": by, "order": order}),
                    RANK_NOUNS[by])
    return render(request, "assessment/dashboard.html", {
        "period": period, "by": by, "order": order, "errors": errors, "table": table, "period_query": query,
        "ranking": ranking,
        "dimensions": DIMENSIONS.values(), "orders": [(o, FIGURE_LABELS[o]) for o in ORDERS],
        "labels": FIGURE_LABELS, "charts": charts, "bottlenecks": bottleneck_groups,
        "trend": trend, "trend_tables": [("事项", trend["items"]), ("审批部门", trend["departments"])],
        "totals": table["totals"], "good_bad": good_bad,
        "good_bad_tables": [_shown("assessment:good_bad", kind, good_bad[kind], title, noun, query)
                            for kind, (title, noun) in GOOD_BAD_TABLES.items()],
        "team_tables": [_shown("assessment:team", kind, team[kind], title, noun, query)
                        for kind, (title, noun) in TEAM_TABLES.items()],
    })


def _shown(listing: str, kind: str, rows: list[dict], title: str, noun: str, query: str) -> Shown:
    return Shown(title, rows[:TOP], len(rows), reverse(listing, args=[kind]) + "?" + query, noun)


def _listing(request: StaffRequest, rows: list, context: dict) -> HttpResponse:
    """One page of a table the dashboard shows the first rows of; a page number that is not one shows the
    first page, one past the end the last (Paginator.get_page)."""
    found = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "assessment/listing.html", {"page": found, **context})


@page
@require_GET
def ranking(request: StaffRequest) -> HttpResponse:
    """The whole ranking of the dashboard, a page at a time: rank numbers of the full ranking."""
    access.require_reader(request.user, access.STATS_READERS, "assessment_ranking")
    period, by, order, errors = _period_and_choices(request)
    table = stats(Scoped.of(request.user), period, by, order)
    period_query = urlencode(_period_query(period))
    found = Paginator(table["rows"], PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "assessment/listing.html", {
        "kind": "ranking", "page": found, "ranked": _drilled(list(found), by, period_query), "table": table,
        "labels": FIGURE_LABELS, "title": f"{table['by_label']}排名（按{FIGURE_LABELS[order]}）", "errors": errors,
        "period": period, "period_query": period_query,
        "query": urlencode({**_period_query(period), "by": by, "order": order}),
    })


def _table_listing(request: StaffRequest, tables: dict, kind: str, missing: str, rows_of: Callable[[Period], dict],
                   heading: str, context: dict) -> HttpResponse:
    """One of the dashboard's named tables (`tables[kind]`), whole, a page at a time, under `heading` (a format with
    {title}, the table's); NotFound for another kind."""
    if kind not in tables:
        raise NotFound(missing)
    period, _, _, errors = _period_and_choices(request)
    period_query = urlencode(_period_query(period))
    title = tables[kind][0]
    return _listing(request, rows_of(period)[kind], {
        "title": heading.format(title=title), "table_title": title, "errors": errors, "period": period,
        "period_query": period_query, "query": period_query, **context})


@page
@require_GET
def good_bad_rows(request: StaffRequest, kind: str) -> HttpResponse:
    """All the units, departments or agents of the dashboard's 好差评 ranking, a page at a time."""
    access.require_reader(request.user, access.STATS_READERS, "assessment_good_bad")
    return _table_listing(request, GOOD_BAD_TABLES, kind, "没有这种好差评排名", good_bad_figures, "好差评：{title}排名",
                          {"kind": "good_bad"})


@page
@require_GET
def team_rows(request: StaffRequest, kind: str) -> HttpResponse:
    """All the units or people of the dashboard's team records in the reader's scope, a page at a time."""
    access.require_reader(request.user, access.STATS_READERS, "assessment_team_records")
    scoped = Scoped.of(request.user)
    return _table_listing(request, TEAM_TABLES, kind, "没有这种队伍建设记录", lambda period: team_summary(scoped, period),
                          "队伍建设记录：{title}", {"kind": "team", "per_person": kind == "people"})


@page
@require_GET
def drill(request: StaffRequest, by: str, key: int) -> HttpResponse:
    access.require_reader(request.user, access.STATS_READERS, "assessment_drill")
    period, _, _, _ = _period_and_choices(request)
    if by not in DIMENSIONS:
        raise NotFound("没有这种统计维度")
    dimension = DIMENSIONS[by]
    scoped = Scoped.of(request.user)
    drill_check(scoped, dimension, key, user=request.user)
    cases = drill_cases(scoped, period, dimension, key)
    found = Paginator(cases, PER_PAGE).get_page(request.GET.get("page"))
    context = {"dimension": dimension, "name": dimension.names([key]).get(key, ""), "page": found,
               "period": period, "warning_labels": WARNING_LABELS,
               "query": urlencode({"from": period.start.isoformat(), "to": period.end.isoformat()})}
    template = "assessment/_drill.html" if _partial(request) else "assessment/drill.html"
    return render(request, template, context)


# 代办台帐 ----------------------------------------------------------------------------------------------


def _units(scoped: Scoped) -> list[tuple[int, str]] | None:
    return unit_choices() if scoped.county_wide else None


@page
@require_GET
def ledger(request: StaffRequest) -> HttpResponse:
    access.require_reader(request.user, access.LEDGER_READERS, "ledger_page")
    scoped = Scoped.of(request.user)
    errors: list[str] = []
    try:
        filters = parse_filters(request.GET)
    except ValidationFailed as refusal:
        errors = list(refusal.errors.values())
        filters = parse_filters({})
    found = ledger_page(scoped, filters, cursor=request.GET.get("after"), per_page=PER_PAGE)
    raw = found.rows
    rows = list(zip(raw, ledger_table(raw), strict=True))
    if rows:
        access.personal_data_viewed(request.user, where="ledger", rows=len(rows))
    query = urlencode(filters.as_query())
    return render(request, "assessment/ledger.html", {
        "page": found, "rows": rows, "headers": [name for name, *_ in LEDGER_COLUMNS], "filters": filters,
        "errors": errors, "query": query, "statuses": CaseStatus.choices, "categories": Category.choices,
        "warnings": [(w, WARNING_LABELS[w]) for w in WARNINGS], "units": _units(scoped),
        "recent": Export.objects.filter(requested_by=request.user).defer("content").order_by("-created_at")[:5],
    })


@page
@require_POST
def export_new(request: StaffRequest) -> HttpResponse:
    kind = request.POST.get("kind", Export.Kind.LEDGER)
    if kind not in Export.Kind.values:
        raise Http404("没有这种导出")
    try:
        export = export_start(actor=request.user, kind=kind, query=request.POST)
    except ValidationFailed as refusal:
        messages.error(request, refusal.message)
        return redirect("assessment:ledger")
    if _partial(request):
        return render(request, "assessment/_export.html", {"export": export})
    return redirect("assessment:export", pk=export.pk)


def _own_export(request: StaffRequest, pk: UUID, *, content: bool = False) -> Export:
    exports = Export.objects.filter(pk=pk, requested_by=request.user)
    export = (exports if content else exports.defer("content")).first()
    if export is None:
        raise NotFound("没有该导出任务")
    return export


@page
@require_GET
def export_status(request: StaffRequest, pk: UUID) -> HttpResponse:
    export = _own_export(request, pk)
    template = "assessment/_export.html" if _partial(request) else "assessment/export.html"
    return render(request, template, {"export": export})


@page
@require_GET
def export_download(request: StaffRequest, pk: UUID) -> FileResponse:
    export = _own_export(request, pk, content=True)
    if export.status != Export.Status.DONE or export.content is None:
        raise NotFound("文件尚未生成或已过期清理")
    return FileResponse(io.BytesIO(export.content), as_attachment=True, filename=export.download_name)


# 督查 --------------------------------------------------------------------------------------------------


@page
@require_http_methods(["GET", "POST"])
def supervision_list(request: StaffRequest) -> HttpResponse:
    access.require_reader(request.user, access.SUPERVISORS, "supervision_page")
    if request.method == "POST":  # nothing is changed from the list; inspectors never change anything
        access.require_reader(request.user, access.SUPERVISION_ACTORS, "supervision_post")
        return redirect("assessment:supervision")
    return render(request, "assessment/supervision.html", supervision.overview(request.user, clock.today()))


@page
@require_http_methods(["GET", "POST"])
def supervision_case(request: StaffRequest, pk: int) -> HttpResponse:
    access.require_reader(request.user, access.SUPERVISORS, "supervision_case_page")
    if request.method == "POST":
        access.require_reader(request.user, access.SUPERVISION_ACTORS, "supervision_order")
        try:
            supervision.order(actor=request.user, case_id=pk, data=request.POST)
        except ValidationFailed as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, "已发出督办，联络员将收到通知。")
        return redirect("assessment:supervision_case", pk=pk)
    context = supervision.case_sheet(request.user, pk, clock.today())
    access.personal_data_viewed(request.user, where="supervision_case", obj=context["case"],
                                fields=("联系人", "联系电话", "法定代表人"))
    context["can_order"] = request.user.has_role(*access.SUPERVISION_ACTORS)
    return render(request, "assessment/supervision_case.html", context)


# 公开 --------------------------------------------------------------------------------------------------


@require_GET
def public(request: StaffRequest) -> HttpResponse:
    try:
        year = parse_year(request.GET.get("year"))
        error = ""
    except ValidationFailed as refusal:
        year, error = clock.today().year, refusal.message
    figures = public_stats_cached(year)
    return render(request, "assessment/public.html", {
        "figures": figures, "year": year, "error": error,
        "years": list(range(clock.today().year, max(2018, clock.today().year - 7) - 1, -1)),
    })
