"""代办进度反馈: the summary sent to the owner every half month."""
from __future__ import annotations

from .data import ProgressData
from .layout import cn_date, footer, form_document, key_value_table, paragraph, to_bytes
from .parts import case_pairs, done_section, numbered_section, open_section, person


def progress_report(data: ProgressData) -> bytes:
    doc = form_document("企业投资项目代办进度反馈表", data.serial, version=data.version)
    key_value_table(doc, [("反馈期间", period_label(data)), *case_pairs(data)], full_width=("反馈期间",))
    done_section(doc, "一、本期办结事项", data.done)
    open_section(doc, "二、正在办理事项", data.in_progress)
    numbered_section(doc, "三、下一步工作安排", data.next_steps)
    numbered_section(doc, "四、存在问题及协调情况", data.problems)
    numbered_section(doc, "五、需要业主配合的事项", data.owner_actions)
    paragraph(doc, "")
    paragraph(doc, f"代办员：{person(data.agency.agent, data.agency.agent_phone)}", indent_first_line=False)
    footer(doc, data.agency.unit, data.reported_on)
    return to_bytes(doc)


def period_label(data: ProgressData) -> str:
    """2026年11月1日至2026年11月15日（11月上半月）."""
    start, end = data.period_start, data.period_end
    half = {1: "上半月", 16: "下半月"}.get(start.day, "")
    suffix = f"（{start.month}月{half}）" if half and start.month == end.month else ""
    return f"{cn_date(start)}至{cn_date(end)}{suffix}"
