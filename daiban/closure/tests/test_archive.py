"""The archive of a closed case: every paper of it as .docx in one .zip, with Chinese file names, each reading
back with the case's own data."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from daiban.cases.models import Case
from daiban.cases.paperwork import generate
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
        generate(case=case, kind="meeting", actor=build.agent,
                 builder=lambda c, serial: meeting_record(samples.meeting(serial=serial)))
    build.finish(case, "L05", on="2026-09-17", approval_no="平环建〔2026〕99号")
    with clock.frozen("2026-09-30"):
        api_as("aojiang").post(f"cases/{case.pk}/complete", {"handover": HANDOVER})
    papers = unzip(api_as("aojiang").get(f"cases/{case.pk}/archive.zip"))
    tracking = case.request.tracking_no
    names = list(papers)
    assert [n.split("-", 2)[1] for n in names] == [
        "代办登记表", "委托代办协议", "代办任务分解计划表", "代办工作日志", "联合审批协调会议记录表", "代办进度反馈",
        "代办项目办结单"]
    assert all(n.endswith(".docx") for n in names) and names[0] == f"01-代办登记表-DJ{tracking[2:]}.docx"
    for name, text in papers.items():
        if "会议记录" not in name:  # the sample meeting is another project's
            assert case.project.name in text, name
    assert "陪同业主到发改局窗口申报备案" in papers[names[3]] and "王建国" in papers[names[3]]
    assert "2609-330326-04-01-400004" in papers[names[5]] and "平环建〔2026〕99号" in papers[names[6]]


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
    assert kinds == ["代办登记表", "委托代办协议", "代办任务分解计划表", "代办工作日志", "代办进度反馈", "代办进度反馈",
                     "代办进度反馈", "代办项目办结单", "代办服务评价表"]  # three half-monthly reports (two caught up)
    completion, evaluation = list(papers.values())[7], list(papers.values())[8]
    assert "滨海新区工业废水集中处理站项目" in completion and "建字第330326202607270012号" in completion
    assert "归档日期\n2026年8月28日" in completion
    assert "☑5分" in evaluation and "☐是　☑否" in evaluation and "供电公司" in evaluation
