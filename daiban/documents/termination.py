"""代办项目委托终止单: filled in when the owner or the project ends the entrustment; archived within 2 working
days."""
from __future__ import annotations

from .data import TERMINATION_REASONS, TerminationData
from .layout import cn_date, heading, key_value_table, new_document, serial, ticks, title, to_bytes
from .parts import agency_pairs, closing, done_table, handover_table, open_table, project_pairs


def termination_form(data: TerminationData) -> bytes:
    doc = new_document()
    serial(doc, data.serial)
    title(doc, "代办项目委托终止单")
    reason = ticks(TERMINATION_REASONS, data.reason) + (f"\n具体情况：{data.reason_detail}" if data.reason_detail else "")
    key_value_table(doc, [*project_pairs(data.project, data.owner), *agency_pairs(data.agency),
                          ("委托日期", cn_date(data.entrusted_on)), ("终止日期", cn_date(data.terminated_on)),
                          ("终止原因", reason)], full_width=("终止原因",))
    heading(doc, "一、终止时已办结事项")
    done_table(doc, data.done)
    heading(doc, "二、终止时未办结事项")
    open_table(doc, data.not_done)
    heading(doc, "三、退还资料清单")
    handover_table(doc, data.returned)
    closing(doc, data.agency, owner_line="业主签收（签字）", opinion=data.opinion,
            archive_due_on=data.archive_due_on, archived_on=data.archived_on, when=data.terminated_on)
    return to_bytes(doc)
