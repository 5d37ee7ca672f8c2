"""台帐: the register of cases in scope, on the page and as .xlsx read back with openpyxl."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from conftest import DEMO_PASSWORD
from daiban.assessment.ledger import LEDGER_COLUMNS, WARNINGS, ledger_page, ledger_rows, parse_filters
from daiban.assessment.models import Export
from daiban.assessment.scoped import Scoped
from daiban.assessment.services import export_run
from daiban.assessment.tests.builders import CaseSpec, ItemSpec, build
from daiban.audit.models import AuditEvent
from daiban.intake.models import DirectoryEntry
from daiban.org.models import Department, Region, User


@pytest.fixture
def ledger_cases(person):
    return {
        "done": build(CaseSpec("鳌江镇", "2025-03-03", "2025-03-04 09:30", agent="aojiang", chief="chief",
                               completed="2025-03-20", visits=2, project="年产5万套阀门项目",
                               company="平阳县鳌江阀门有限公司", contact_name="陈晓东", contact_phone="13957701201",
                               items=[ItemSpec("L05", "2025-03-05", "2025-03-14"),
                                      ItemSpec("L02", "2025-03-05", "2025-03-10")])),
        "late": build(CaseSpec("昆阳镇", "2025-03-10", "2025-03-11", agent="kunyang", project="昆阳商业综合体项目",
                               company="平阳县昆阳置业有限公司", contact_name="林佳", contact_phone="13867704504",
                               category="major_construction", items=[ItemSpec("G02", "2025-03-20")])),
    }


def xlsx_rows(response) -> list[list]:
    body = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(body)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_ledger_xlsx_reads_back_with_the_header_and_the_cases_data(ledger_cases, api_as):
    answer = api_as("center").get("ledger.xlsx", {"from": "2025-03-01", "to": "2025-03-31"})
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in answer["Content-Disposition"]
    rows = xlsx_rows(answer)
    header = rows[0]
    assert header == [c[0] for c in LEDGER_COLUMNS]
    assert header[:8] == ["登记编号", "受理日期", "渠道", "项目名称", "项目代码", "业主", "联系人", "联系电话"]
    by_project = {r[header.index("项目名称")]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert set(by_project) == {"年产5万套阀门项目", "昆阳商业综合体项目"}
    done = by_project["年产5万套阀门项目"]
    case = ledger_cases["done"]
    assert done["登记编号"] == case.request.tracking_no
    assert done["受理日期"].date() == dt.date(2025, 3, 4)
    assert (done["渠道"], done["业主"], done["联系人"], done["联系电话"]) == ("窗口登记", "平阳县鳌江阀门有限公司",
                                                                      "陈**", "139****1201")
    assert (done["建设地点"], done["项目类别"], done["工业"]) == ("鳌江镇", "招商引资", "是")
    assert done["总投资（万元）"] == 3000
    assert (done["承办机构"], done["代办员"], done["首席代办员"]) == ("鳌江镇投资项目代办服务站", "王建国", "叶承志")
    assert (done["委托事项数"], done["已办结事项"], done["状态"], done["业主到场次数"]) == (2, 2, "已办结", 2)
    assert done["办结/终止日期"].date() == dt.date(2025, 3, 20)
    assert done["项目代码"] == case.project.project_code
    late = by_project["昆阳商业综合体项目"]
    assert (late["状态"], late["预警"], late["已办结事项"]) == ("代办中", "逾期", 0)


def test_the_ledger_filters_by_status_unit_category_and_warning(ledger_cases, api_as, person):
    center = api_as("center")
    in_2025 = {"from": "2025-01-01", "to": "2025-12-31"}  # the demo county's cases are of the day it was loaded
    assert [r[3] for r in xlsx_rows(center.get("ledger.xlsx", {"status": "completed", **in_2025}))[1:]] == [
        "年产5万套阀门项目"]
    unit = person("kunyang").body_id
    rows = xlsx_rows(center.get("ledger.xlsx", {"unit": unit, "warning": "overdue", **in_2025}))
    assert [r[3] for r in rows[1:]] == ["昆阳商业综合体项目"]
    rows = xlsx_rows(center.get("ledger.xlsx", {"category": "major_construction", **in_2025}))
    assert [r[3] for r in rows[1:]] == ["昆阳商业综合体项目"]


def test_a_bad_ledger_filter_is_refused_in_chinese(api_as):
    answer = api_as("center").get("ledger.xlsx", {"warning": "red", "from": "2025-02-30"})
    assert answer.status_code == 422
    messages = {d["field"]: d["message"] for d in answer.json()["fields"]}
    assert messages["warning"].startswith("预警应为") and "YYYY-MM-DD" in messages["from"]


def test_a_unit_exports_only_its_own_cases_and_the_export_is_audited(ledger_cases, api_as):
    rows = xlsx_rows(api_as("ajadmin").get("ledger.xlsx"))
    projects = [r[3] for r in rows[1:]]
    assert "年产5万套阀门项目" in projects and "昆阳商业综合体项目" not in projects
    event = AuditEvent.objects.filter(event_type="assessment.ledger_exported", actor_name="ajadmin").get()
    assert event.new["rows"] == len(rows) - 1


def test_the_ledger_page_lists_cases_and_audits_an_inspectors_look_at_contacts(ledger_cases, client):
    assert client.login(username="inspector", password=DEMO_PASSWORD)
    page = client.get("/assessment/ledger/", {"from": "2025-03-01", "to": "2025-03-31"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "年产5万套阀门项目" in html and "139****1201" in html and "13957701201" not in html
    assert f'href="/cases/{ledger_cases["done"].pk}/"' in html
    event = AuditEvent.objects.filter(event_type="access.personal_data_viewed", actor_name="inspector").get()
    assert event.new["page"] == "ledger" and event.new["rows"] == 2


def test_the_ledger_page_shows_dates_the_warning_tag_and_escaped_names(ledger_cases, client):
    project = ledger_cases["late"].project
    project.name = "昆阳<b>综合体</b>"
    project.save(update_fields=["name"])
    assert client.login(username="center", password=DEMO_PASSWORD)
    html = client.get("/assessment/ledger/", {"from": "2025-03-01", "to": "2025-03-31"}).content.decode()
    assert '<td class="wrap">昆阳&lt;b&gt;综合体&lt;/b&gt;</td>' in html
    assert '<span class="tag state-overdue">逾期</span>' in html
    assert "<td>2025-03-11</td>" in html and "<td>2025-03-20</td>" in html  # accepted; closed


def test_an_agent_looking_at_his_ledger_is_not_a_supervision_access(ledger_cases, client):
    assert client.login(username="aojiang", password=DEMO_PASSWORD)
    assert client.get("/assessment/ledger/").status_code == 200
    assert not AuditEvent.objects.filter(event_type="access.personal_data_viewed", actor_name="aojiang").exists()


def test_a_long_export_runs_in_the_background_and_shows_its_row_counter(ledger_cases, client, person, settings,
                                                                        tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assert client.login(username="center", password=DEMO_PASSWORD)
    started = client.post("/assessment/exports/", {"kind": "ledger", "from": "2025-03-01", "to": "2025-03-31"},
                          headers={"HX-Request": "true"})
    assert started.status_code == 200
    export = Export.objects.get(requested_by=person("center"))
    html = started.content.decode()
    assert 'hx-trigger="every 1s"' in html and f"/assessment/exports/{export.pk}/" in html
    assert "排队中" in html
    assert client.get(f"/assessment/exports/{export.pk}/download/").status_code == 404  # not written yet

    export_run(str(export.pk))  # what the background worker does

    progress = client.get(f"/assessment/exports/{export.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "已完成，共 2 行" in progress and "every 1s" not in progress
    download = client.get(f"/assessment/exports/{export.pk}/download/")
    assert download.status_code == 200
    rows = xlsx_rows(download)
    assert len(rows) == 3 and rows[0][0] == "登记编号"
    export.refresh_from_db()
    assert (export.status, export.rows_done, export.rows_total) == ("done", 2, 2)


def test_someone_elses_export_is_not_found(ledger_cases, client, person):
    export = Export.objects.create(kind="ledger", requested_by=person("center"), filters={},
                                   created_at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC))
    assert client.login(username="ajadmin", password=DEMO_PASSWORD)
    assert client.get(f"/assessment/exports/{export.pk}/").status_code == 404


def test_the_project_directory_exports_as_xlsx(api_as, person):
    DirectoryEntry.objects.create(
        category="investment_promotion", project_name="智能装备产业园项目", company_name="浙江测试智能装备有限公司",
        contact_name="赵强", contact_phone="13700000001", location=Region.objects.get(name="萧江镇"),
        industrial=True, investment_wan=52000, source_department=Department.objects.get(code="zsj"),
        created_by=User.objects.get(username="zsj"))
    rows = xlsx_rows(api_as("center").get("directory.xlsx", {"category": "investment_promotion"}))
    header = rows[0]
    assert header[:6] == ["项目类别", "项目名称", "企业名称", "统一社会信用代码", "联系人", "联系电话"]
    row = next(dict(zip(header, r, strict=True)) for r in rows[1:] if r[1] == "智能装备产业园项目")
    assert (row["项目类别"], row["建设地点"], row["总投资（万元）"], row["报送部门"]) == ("招商引资", "萧江镇", 52000,
                                                                         "投资促进局")
    assert api_as("center").get("directory.xlsx", {"status": "lost"}).status_code == 422
    assert api_as("owner1").get("directory.xlsx").status_code == 403


@pytest.mark.parametrize("warning", ["", *WARNINGS])
def test_the_ledger_pages_show_the_cases_the_export_has_in_the_same_order(ledger_cases, person, warning):
    scoped, filters = Scoped.of(person("center")), parse_filters({"warning": warning})
    shown, cursor = [], None
    while True:
        page = ledger_page(scoped, filters, cursor=cursor, per_page=2)
        shown += page.rows
        if not (cursor := page.next_cursor):
            break
    assert shown == list(ledger_rows(scoped, filters))
    assert shown or warning not in ("", "overdue")  # the late case is overdue
    assert warning == "" or {row["warning"] for row in shown} <= {warning}


def test_the_ledger_page_computes_the_figures_of_its_own_cases_only(ledger_cases, person):
    with CaptureQueriesContext(connection) as captured:
        page = ledger_page(Scoped.of(person("center")), parse_filters({}), cursor=None, per_page=2)
    figures = [q["sql"] for q in captured if "EXISTS" in q["sql"]]
    assert len(figures) == 1 and len(page.rows) == 2
    assert all(str(row["pk"]) in figures[0] for row in page.rows)
