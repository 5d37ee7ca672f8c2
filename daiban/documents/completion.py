"""代办项目办结单: filled in when every entrusted item is done; archived within 2 working days."""
from __future__ import annotations

from .data import CompletionData
from .layout import cn_date, heading, key_value_table, new_document, serial, title, to_bytes
from .parts import agency_pairs, closing, done_table, handover_table, project_pairs


def completion_form(data: CompletionData) -> bytes:
    doc = new_document()
    serial(doc, data.serial)
    title(doc, "代办项目办结单")
    key_value_table(doc, [*project_pairs(data.project, data.owner), *agency_pairs(data.agency),
                          ("委托日期", cn_date(data.entrusted_on)), ("办结日期", cn_date(data.completed_on)),
                          ("用时（工作日）", str(data.workdays_used))])
    heading(doc, "一、代办事项办理情况")
    done_table(doc, data.items)
    heading(doc, "二、移交资料清单")
    handover_table(doc, data.handover)
    closing(doc, data.agency, owner_line="业主签收（签字）", opinion=data.review_opinion,
            archive_due_on=data.archive_due_on, archived_on=data.archived_on, when=data.completed_on)
    return to_bytes(doc)
