"""The archive of a closed case: every paper of it as .docx in one .zip, with Chinese file names, each reading
back with the case's own data."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from daiban.cases.models import Case
from daiban.cases.paperwork import Paper, generate
from daiban.closure.tests.conftest import HANDOVER
from daiban.documents.layout import read_text
from daiban.documents.meeting import meeting_record
from daiban.documents.tests import samples
from daiban.lib import clock
from daiban.plans import services as plans
from daiban.plans.duties import send_progress_reports

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


def unzip(answer) -> dict[str, str]:
    assert answer.status_code == 200, answer.content
    assert answer["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        assert archive.testzip() is None
        return {name: read_text(archive.read(name)) for name in archive.namelist()}


def test_the_archive_holds_every_paper_of_the_case_in_order_and_each_reads_back(build, api_as):
    case = build.case(on="2026-09-01")
    with clock.frozen("2026-09-02"):
        plans.worklog_add(actor=build.agent, case=case, day=D("2026-09-02"), content="陪同业主到发改局窗口申报备案")
    build.finish(case, "L02", on="2026-09-03", approval_no="2609-330326-04-01-400004")
    with clock.frozen("2026-09-16"):
        send_progress_reports(today=D("2026-09-16"))
        generate(case=case, kind="meeting", actor=build.agent, subject="sample",
                 paper=Paper(samples.meeting(serial=""), meeting_record))
    build.finish(case, "L05", on="2026-09-17", approval_no="平环建〔2026〕99号")
    with clock.frozen("2026-09-30"):
        api_as("aojiang").post(f"cases/{case.pk}/complete", {"handover": HANDOVER})
    papers = unzip(api_as("aojiang").get(f"cases/{case.pk}/archive.zip"))
    tracking = case.request.tracking_no
    names = list(papers)
    serial = tracking[2:]
    # Every version stays: the registration form before the items were chosen, with them, with the project
    # code; the agreement before the team, naming it, with the code; the plan before and after the code.
    assert names == [
        f"01-代办登记表-DJ{serial}-第1版.docx", f"02-代办登记表-DJ{serial}-第2版.docx",
        f"03-代办登记表-DJ{serial}-第3版.docx", f"04-委托代办协议-XY{serial}-第1版.docx",
        f"05-委托代办协议-XY{serial}-第2版.docx", f"06-委托代办协议-XY{serial}-第3版.docx",
        f"07-代办任务分解计划表-JH{serial}-第1版.docx", f"08-代办任务分解计划表-JH{serial}-第2版.docx",
        f"09-代办工作日志-RZ{serial}.docx", f"10-联合审批协调会议记录表-HY{serial}-第1版.docx",
        f"11-代办进度反馈-FK{serial}-第1版.docx", f"12-代办项目办结单-BJ{serial}-第1版.docx"]
    for name, text in papers.items():
        if "会议记录" not in name:  # the sample meeting is another project's
            assert case.project.name in text, name
    assert "2609-330326-04-01-400004" not in papers[names[1]] and "2609-330326-04-01-400004" in papers[names[2]]
    assert "代办员：待确定代办团队后载明" in papers[names[3]] and "代办员：王" in papers[names[4]]
    assert "陪同业主到发改局窗口申报备案" in papers[names[8]] and "王建国" in papers[names[8]]
    assert "2609-330326-04-01-400004" in papers[names[10]] and "平环建〔2026〕99号" in papers[names[11]]


def test_the_archive_is_only_for_a_closed_case_in_the_callers_scope(build, api_as, client, person):
    case = build.case()
    assert api_as("aojiang").get(f"cases/{case.pk}/archive.zip").status_code == 409
    assert client.login(username="aojiang")
    assert client.get(f"/closure/cases/{case.pk}/archive.zip").status_code == 404
    closed = build.completed()
    assert api_as("kunyang").get(f"cases/{closed.pk}/archive.zip").status_code == 404
    answer = client.get(f"/closure/cases/{closed.pk}/archive.zip")
    assert answer.status_code == 200 and "%E6%A1%88%E5%8D%B7.zip" in answer["Content-Disposition"]  # 案卷.zip


def test_the_demo_wastewater_station_archive_includes_its_evaluation(api_as):
    case = Case.objects.get(request__idempotency_key="demo-5")
    papers = unzip(api_as("binhai").get(f"cases/{case.pk}/archive.zip"))
    kinds = [n.split("-", 2)[1] for n in papers]
    assert kinds == ["代办登记表"] * 3 + ["委托代办协议"] * 3 + ["代办任务分解计划表"] * 2 + ["代办工作日志"] + [
        "代办进度反馈"] * 3 + ["代办项目办结单"] * 2 + ["代办服务评价表"] * 2  # three half-monthly reports (two caught up)
    assert [n.rsplit("-", 1)[1] for n in papers if "办结单" in n or "评价表" in n] == [
        "第1版.docx", "第2版.docx"] * 2  # the filed form with its archive date; the ratings joining the owner's
    completion, evaluation = list(papers.values())[13], list(papers.values())[15]
    assert "滨海新区工业废水集中处理站项目" in completion and "建字第330326202607270012号" in completion
    assert "归档日期\n2026年8月28日" in completion
    assert "☑5分" in evaluation and "☐是　☑否" in evaluation and "供电公司" in evaluation
