"""代办项目委托终止单: filled in when the owner or the project ends the entrustment; archived within 2 working
days."""
from __future__ import annotations

from .data import TERMINATION_REASONS, TerminationData
from .layout import cn_date, form_document, key_value_table, ticks, to_bytes
from .parts import case_pairs, closing, done_section, handover_section, open_section


def termination_form(data: TerminationData) -> bytes:
    doc = form_document("代办项目委托终止单", data.serial, version=data.version)
    detail = f"\n具体情况：{data.reason_detail}" if data.reason_detail else ""
    reason = ticks(TERMINATION_REASONS, data.reason) + detail
    key_value_table(doc, [*case_pairs(data), ("委托日期", cn_date(data.entrusted_on)),
                          ("终止日期", cn_date(data.terminated_on)), ("终止原因", reason)], full_width=("终止原因",))
    done_section(doc, "一、终止时已办结事项", data.done)
    open_section(doc, "二、终止时未办结事项", data.not_done)
    handover_section(doc, "三、退还资料清单", data.returned)
    closing(doc, data, owner_line="业主签收（签字）", when=data.terminated_on)
    return to_bytes(doc)
