"""Assessment in JSON and spreadsheets: /stats, /ledger.xlsx, /directory.xlsx, /public/stats."""
from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from ninja import Query, Router

from daiban.assessment import access
from daiban.assessment.ledger import (
    DIRECTORY_COLUMNS,
    LEDGER_COLUMNS,
    directory_rows,
    directory_table,
    ledger_rows,
    ledger_table,
    parse_filters,
)
from daiban.assessment.models import Export
from daiban.assessment.periods import parse_period
from daiban.assessment.scoped import Scoped
from daiban.assessment.selectors import public_year, stats
from daiban.assessment.services import check_export, export_recorded
from daiban.assessment.team_records import SHEET_COLUMNS, person_sheet, team_summary
from daiban.assessment.xlsx import xlsx_response
from daiban.audit.middleware import client_ip
from daiban.lib import clock, ratelimit
from daiban.lib.errors import NotFound, ValidationFailed
from daiban.lib.kept import kept
from daiban.lib.schemas import errors
from daiban.lib.streaming import rows_read_ahead
from daiban.org.http import StaffRequest
from daiban.org.models import User

router = Router(tags=["考核与台帐"])
PUBLIC_CACHE_SECONDS = 600


@router.get("/stats", response={200: dict, **errors(403)},
            summary="考核统计：按代办员、代办机构、审批部门或乡镇（园区），含上一同长期间对比；"
                    "team 为队伍建设记录（每名代办人员和每个代办机构的参会、培训次数和学时、表扬奖励、问责）")
def get_stats(request: StaffRequest, start: str | None = Query(None, alias="from"), end: str | None = Query(None, alias="to"),
              by: str = "unit", order: str = "accepted") -> dict:
    access.require_reader(request.user, access.STATS_READERS, "stats")
    period = parse_period(start, end)
    scoped = Scoped.of(request.user)
    return {**stats(scoped, period, by, order), "team": team_summary(scoped, period)}


@router.get("/team-records", response={200: dict, **errors(403)},
            summary="队伍建设记录计入考核：每名代办人员和每个代办机构的参会、培训次数和学时、表扬奖励和问责次数（from、to）")
def get_team_records(request: StaffRequest, start: str | None = Query(None, alias="from"),
                     end: str | None = Query(None, alias="to")) -> dict:
    access.require_reader(request.user, access.STATS_READERS, "team_records")
    period = parse_period(start, end)
    return {"from": period.start, "to": period.end, **team_summary(Scoped.of(request.user), period)}


@router.get("/team-records/{user_id}.xlsx", response={200: None, **errors(403)},
            summary="个人考核表（.xlsx）：期间内的参会、培训、表扬奖励和问责记录及合计（from、to）")
def team_record_sheet(request: StaffRequest, user_id: int, start: str | None = Query(None, alias="from"),
                      end: str | None = Query(None, alias="to")) -> FileResponse:
    access.require_reader(request.user, access.STATS_READERS, "team_record_sheet")
    period = parse_period(start, end)
    scoped = Scoped.of(request.user)
    person = User.objects.filter(pk=user_id, is_active=True).select_related("body").first()
    if person is None or not (scoped.county_wide or person.body_id in scoped.body_ids or person.pk == request.user.pk):
        raise NotFound("没有该人员")
    response, _ = xlsx_response(filename=f"个人考核表-{person.display_name}-{period.start}-{period.end}.xlsx",
                                title=f"{person.display_name}考核表", columns=SHEET_COLUMNS,
                                rows=person_sheet(person, period))
    return response


def _stamp() -> str:
    return f"{timezone.localtime(clock.now()):%Y%m%d-%H%M}"


@router.get("/ledger.xlsx", response={200: None, **errors(403, 422)},
            summary="导出代办台帐（.xlsx；筛选：status、unit、category、from、to、warning）")
def ledger_xlsx(request: StaffRequest) -> FileResponse:
    filters = check_export(actor=request.user, kind=Export.Kind.LEDGER, query=request.GET)
    rows = rows_read_ahead(ledger_rows(Scoped.of(request.user), parse_filters(filters)))
    response, count = xlsx_response(filename=f"代办台帐-{_stamp()}.xlsx", title="代办台帐", columns=LEDGER_COLUMNS,
                                    rows=ledger_table(rows))
    export_recorded(actor=request.user, kind=Export.Kind.LEDGER, filters=filters, rows=count)
    return response


@router.get("/directory.xlsx", response={200: None, **errors(403, 422)},
            summary="导出项目目录库（.xlsx；筛选：category、status）")
def directory_xlsx(request: StaffRequest) -> FileResponse:
    filters = check_export(actor=request.user, kind=Export.Kind.DIRECTORY, query=request.GET)
    rows = directory_rows(filters).iterator(chunk_size=2000)
    response, count = xlsx_response(filename=f"项目目录库-{_stamp()}.xlsx", title="项目目录库",
                                    columns=DIRECTORY_COLUMNS, rows=directory_table(rows))
    export_recorded(actor=request.user, kind=Export.Kind.DIRECTORY, filters=filters, rows=count)
    return response


def parse_year(value: str | None) -> int:
    this_year = clock.today().year
    text = (value or "").strip()
    if not text:
        return this_year
    if not text.isdigit() or not 2000 <= int(text) <= this_year:
        raise ValidationFailed({"year": f"年度应为 2000 至 {this_year} 之间的整数"})
    return int(text)


def public_stats_cached(year: int) -> dict:
    return kept(f"assessment:public:{year}:{clock.today().isoformat()}", lambda: public_year(year),
                seconds=PUBLIC_CACHE_SECONDS)


@router.get("/public/stats", auth=None, response={200: dict, **errors(429)},
            summary="公开：全县逐月受理、办结数和按时办结率（不含个人信息和企业名称）")
def get_public_stats(request: HttpRequest, year: str | None = None) -> dict:
    ratelimit.check("public-query", client_ip(request) or "-", limit=settings.PUBLIC_QUERY_LIMIT,
                    window_seconds=settings.PUBLIC_WINDOW_SECONDS)
    return public_stats_cached(parse_year(year))
