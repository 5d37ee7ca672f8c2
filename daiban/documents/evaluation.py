"""代办服务评价表 and 回访记录: the owner rates the service; the agent rates each department and liaison officer."""
from __future__ import annotations

from .data import GRADE_WORDS, VISIT_CHANNELS, EvaluationData
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


def _score(score: int | None) -> str:
    return "" if score is None else str(score)


def evaluation_form(data: EvaluationData) -> bytes:
    doc = form_document("代办服务评价表", data.serial, version=data.version)
    key_value_table(doc, case_pairs(data))
    heading(doc, "一、业主对代办服务的评价")
    owner_scores = (data.attitude, data.efficiency, data.quality, data.overall)
    table(doc, ["评价项目", "评价（好差评五级；评分 5分最高，1分最低）"],
          [["评价等级", ticks(GRADE_WORDS, data.grade)],
           *[[name, ticks(SCORES, f"{score}分" if score else "")]
             for name, score in zip(CRITERIA, owner_scores, strict=True)]],
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
    table(doc, ["序号", "审批部门", "代办联络员", "评价等级", *CRITERIA, "意见"],
          [[str(n), r.department, r.liaison, r.grade, *[_score(s) for s in (r.attitude, r.efficiency, r.quality,
                                                                               r.overall)],
            r.comment] for n, r in enumerate(data.department_ratings, 1)] or [["", NONE_TEXT, *[""] * 7]],
          [1.0, 2.8, 1.9, 1.9, 1.3, 1.3, 1.3, 1.3, 2.8], center_columns=(0, 3, 4, 5, 6, 7))
    signature_block(doc, [f"业主签字（盖章）：{BLANK}　　日期：{cn_date(None)}",
                          f"评价代办员（签字）：{data.rater or BLANK}　　日期：{cn_date(None)}"])
    footer(doc, data.agency.unit, data.visited_on)
    return to_bytes(doc)
