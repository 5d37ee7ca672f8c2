"""代办任务分解计划表: the stages and items with their liaison officers and dates, the flowchart and timetable."""
from __future__ import annotations

from datetime import date
from io import BytesIO

from docx import Document

from daiban.documents.layout import read_text
from daiban.documents.plan import HEADER, PROVISIONAL_NOTE, task_plan
from daiban.documents.tests import samples


def plan_doc(**changes):
    return Document(BytesIO(task_plan(samples.plan(**changes))))


def plan_table(doc):
    return next(t for t in doc.tables if t.rows[0].cells[0].text == "序号")


def test_the_plan_header_names_the_project_the_team_and_the_target():
    text = read_text(task_plan(samples.plan()))
    for expected in ("代办任务分解计划表", "编号：JH2026-0012", "年产30万台精密齿轮减速机建设项目",
                     "2609-330326-04-01-123456", "平阳县某某精密传动有限公司", "平阳县鳌江镇投资项目代办服务中心",
                     "林晓燕（13967788021）", "周振华（13906776530）", "2026年11月30日",
                     "计划52天，目标不超过100天：符合"):
        assert expected in text, expected


def test_a_plan_over_the_hundred_days_says_by_how_much():
    text = read_text(task_plan(samples.plan(permit_on=date(2027, 3, 20))))
    assert "计划110天，目标不超过100天：超出10天" in text


def test_the_table_has_the_columns_of_the_form_and_a_row_per_item():
    table = plan_table(plan_doc())
    assert [cell.text for cell in table.rows[0].cells] == HEADER
    third = [cell.text for cell in table.rows[3].cells]
    assert third == ["3", "立项用地规划许可", "环境影响评价审批（报告表）", "生态环境局", "吴敏 13605770108", "L02",
                     "2026-12-02", "2026-12-16", "10", "是（环评编制机构）", "否", ""]
    assert len(table.rows) == 1 + 6


def test_items_of_one_stage_share_one_stage_cell():
    table = plan_table(plan_doc())
    assert table.rows[1].cells[1]._tc is table.rows[3].cells[1]._tc
    assert table.rows[4].cells[1].text == "工程建设许可"


def test_prerequisites_are_listed_two_codes_a_line():
    assert plan_table(plan_doc()).rows[6].cells[5].text == "G02、S01\nL05"


def test_dates_in_a_year_without_a_published_holiday_schedule_are_starred_with_a_note():
    text = read_text(task_plan(samples.plan()))
    assert "2027-01-11*" in text and "2027-01-21*" in text and "2026-12-24*" not in text
    assert PROVISIONAL_NOTE in text


def test_no_note_when_every_date_is_firm():
    text = read_text(task_plan(samples.plan(provisional_years=frozenset())))
    assert "*" not in text and "暂定" not in text


def test_the_flowchart_and_the_timetable_are_inserted_with_captions():
    data = task_plan(samples.plan(flowchart_png=samples.png(), gantt_png=samples.png(300, 600)))
    assert len(Document(BytesIO(data)).inline_shapes) == 2
    text = read_text(data)
    assert "图1　流程图" in text and "图2　时间表" in text


def test_without_pictures_there_are_no_captions():
    data = task_plan(samples.plan())
    assert len(Document(BytesIO(data)).inline_shapes) == 0 and "流程图" not in read_text(data)


def test_a_timetable_alone_is_the_first_figure():
    assert "图1　时间表" in read_text(task_plan(samples.plan(gantt_png=samples.png())))


def test_the_agent_signs_and_the_owner_acknowledges():
    text = read_text(task_plan(samples.plan()))
    assert "代办员（签字）" in text and "首席代办员（签字）" in text and "项目业主确认（签字盖章）" in text


def test_the_twelve_columns_are_set_on_a_landscape_a4_page():
    section = plan_doc().sections[0]
    assert section.page_width > section.page_height
    assert (round(section.page_width / 360000, 1), round(section.page_height / 360000, 1)) == (29.7, 21.0)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m / 360000, 1) for m in margins] == [2.8, 2.6, 3.5, 3.7]  # the portrait margins, turned
