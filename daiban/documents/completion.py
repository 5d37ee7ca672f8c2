"""代办项目办结单: filled in when every entrusted item is done; archived within 2 working days."""
from __future__ import annotations

from .data import CompletionData
from .layout import cn_date, form_document, key_value_table, to_bytes
from .parts import case_pairs, closing, done_section, handover_section


def completion_form(data: CompletionData) -> bytes:
    doc = form_document("代办项目办结单", data.serial, version=data.version)
    key_value_table(doc, [*case_pairs(data), ("委托日期", cn_date(data.entrusted_on)),
                          ("办结日期", cn_date(data.completed_on)), ("用时（工作日）", str(data.workdays_used))])
    done_section(doc, "一、代办事项办理情况", data.items)
    handover_section(doc, "二、移交资料清单", data.handover)
    closing(doc, data, owner_line="业主签收（签字）", when=data.completed_on)
    return to_bytes(doc)
