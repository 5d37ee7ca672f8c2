"""代办任务分解计划表: every item of the case by stage, with its liaison officer and planned dates, then the
flowchart and the timetable. A landscape page: twelve columns do not fit a portrait one."""
from __future__ import annotations

from datetime import date

from .data import PlanData
from .layout import (
    BLANK,
    cn_date,
    footer,
    form_document,
    key_value_table,
    note,
    picture,
    signature_block,
    table,
    to_bytes,
    yes_no,
)
from .parts import case_pairs, short_date

PROVISIONAL_NOTE = "注：标*的日期所在年度的节假日安排尚未公布，为暂定日期"
HEADER = ["序号", "阶段", "事项名称", "审批部门", "代办联络员及电话", "前置事项", "计划开始", "计划完成",
          "承诺时限（工作日）", "是否需中介服务", "是否需业主到场", "备注"]
WIDTHS = [0.8, 1.6, 3.0, 2.2, 2.4, 2.0, 2.25, 2.25, 1.2, 1.8, 1.2, 1.8]
PLAN_TABLE_SIZE = 10.5  # 五号: twelve columns at 小四 would wrap every cell


def task_plan(data: PlanData) -> bytes:
    starred = False

    def when(d: date | None, text=short_date) -> str:
        nonlocal starred
        if d is not None and d.year in data.provisional_years:
            starred = True
            return f"{text(d)}*"
        return text(d)

    doc = form_document("企业投资项目代办任务分解计划表", data.serial, landscape=True, version=data.version)
    key_value_table(doc, [
        *case_pairs(data),
        ("计划开始日期", when(data.start_on, cn_date)),
        ("预计取得施工许可", when(data.permit_on, cn_date) if data.permit_on else "待定"),
        ("目标核对", _target(data)),
        *([("按实际办件预计", data.expected)] if data.expected else []),
    ], columns=3, label_cm=3.0)
    rows = [[str(n), row.stage, row.item.name, row.item.department, row.liaison, _codes(row.prerequisites),
             when(row.start_on), when(row.due_on),
             "" if row.item.limit_workdays is None else str(row.item.limit_workdays),
             f"是（{row.intermediary}）" if row.intermediary else "否", yes_no(row.item.owner_in_person), row.note]
            for n, row in enumerate(data.rows, 1)]
    table(doc, HEADER, rows, WIDTHS, merge_repeats=(1,), size=PLAN_TABLE_SIZE, center_columns=(0, 6, 7, 8, 10))
    if starred:
        note(doc, PROVISIONAL_NOTE)
    if data.flowchart_png:
        picture(doc, data.flowchart_png, "图1　流程图")
    if data.gantt_png:
        picture(doc, data.gantt_png, f"图{2 if data.flowchart_png else 1}　时间表")
    agency = data.agency
    signature_block(doc, [
        f"代办员（签字）：{BLANK}　　日期：{cn_date(None)}",
        *([f"首席代办员（签字）：{BLANK}　　日期：{cn_date(None)}"] if agency.chief_agent else []),
        f"项目业主确认（签字盖章）：{BLANK}　　日期：{cn_date(None)}",
    ])
    footer(doc, agency.unit, data.made_on)
    return to_bytes(doc)


def _target(data: PlanData) -> str:
    unit = data.target_unit
    if data.permit_on is None:
        return f"目标不超过{data.target_days}{unit}"
    days = data.target_length if data.target_length is not None else (data.permit_on - data.start_on).days
    verdict = "符合" if days <= data.target_days else f"超出{days - data.target_days}{unit}"
    return f"计划{days}{unit}，目标不超过{data.target_days}{unit}：{verdict}"


def _codes(codes) -> str:
    """G02、S01 / S02、S03: two codes a line, so a narrow column never breaks inside a code."""
    return "\n".join("、".join(codes[i:i + 2]) for i in range(0, len(codes), 2))
