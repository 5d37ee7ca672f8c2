"""代办服务评价表 and 回访记录: the owner rates the service; the agent rates each department and liaison officer."""
from __future__ import annotations

from .data import VISIT_CHANNELS, EvaluationData
from .layout import (
    BLANK,
    cn_date,
    footer,
    form_document,
    heading,
    key_value_table,
    signature_block,
    table,
    ticks,
    to_bytes,
)
from .parts import NONE_TEXT, case_pairs

CRITERIA = ("服务态度", "办事效率", "服务质量", "总体评价")
SCORES = tuple(f"{n}分" for n in range(5, 0, -1))


def evaluation_form(data: EvaluationData) -> bytes:
    doc = form_document("代办服务评价表", data.serial)
    key_value_table(doc, case_pairs(data))
    heading(doc, "一、业主对代办服务的评价")
    owner_scores = (data.attitude, data.efficiency, data.quality, data.overall)
    table(doc, ["评价项目", "评分（5分最高，1分最低）"],
          [[name, ticks(SCORES, f"{score}分")] for name, score in zip(CRITERIA, owner_scores, strict=True)],
          [3.6, 12.0], center_columns=(0,))
    fee = ticks(("是", "否"), "是" if data.fee_asked else "否")
    key_value_table(doc, [
        ("意见和建议", data.comments or NONE_TEXT),
        ("索取费用或礼品", f"代办过程中是否有人索取费用或礼品：{fee}"
                      + (f"\n具体情况：{data.fee_details}" if data.fee_details else "")),
        ("回访方式", ticks(VISIT_CHANNELS, data.channel)),
        ("回访人", data.visitor), ("回访日期", cn_date(data.visited_on)),
    ], full_width=("意见和建议", "索取费用或礼品", "回访方式"), label_cm=3.6)
    heading(doc, "二、代办员对审批部门及代办联络员的评价")
    table(doc, ["序号", "审批部门", "代办联络员", *CRITERIA, "意见"],
          [[str(n), r.department, r.liaison, str(r.attitude), str(r.efficiency), str(r.quality), str(r.overall),
            r.comment] for n, r in enumerate(data.department_ratings, 1)] or [["", NONE_TEXT, *[""] * 6]],
          [1.1, 3.1, 2.1, 1.5, 1.5, 1.5, 1.5, 3.3], center_columns=(0, 3, 4, 5, 6))
    signature_block(doc, [f"业主签字（盖章）：{BLANK}　　日期：{cn_date(None)}",
                          f"评价代办员（签字）：{data.rater or BLANK}　　日期：{cn_date(None)}"])
    footer(doc, data.agency.unit, data.visited_on)
    return to_bytes(doc)
