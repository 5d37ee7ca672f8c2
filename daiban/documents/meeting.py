"""联合审批协调会议记录表: signed by each department head present; the signatures confirm the content
fingerprint printed at the foot."""
from __future__ import annotations

from .data import Attendee, MeetingData
from .layout import cn_date, footer, form_document, heading, key_value_table, note, paragraph, table, to_bytes
from .parts import NONE_TEXT, numbered_section, project_pairs, short_date


def meeting_record(data: MeetingData) -> bytes:
    doc = form_document("联合审批协调会议记录表", data.serial, version=data.version)
    key_value_table(doc, [("会议时间", f"{cn_date(data.held_at)} {data.held_at:%H:%M}"), ("会议地点", data.place),
                          ("召集单位", data.convener), ("主持人", data.chair), ("记录人", data.recorder),
                          *project_pairs(data.project, data.owner)[:3]])
    heading(doc, "一、参会单位及人员")
    table(doc, ["序号", "单位", "姓名", "职务", "签名"],
          [[str(n), a.unit, a.name, a.title, signature_text(a)] for n, a in enumerate(data.attendees, 1)],
          [1.2, 5.2, 2.2, 2.8, 4.2], center_columns=(0, 2))
    numbered_section(doc, "二、协调事项", data.issues)
    heading(doc, "三、会议议定事项")
    table(doc, ["序号", "内容", "责任单位", "完成时限"],
          [[str(n), r.content, r.responsible, short_date(r.due_on)] for n, r in enumerate(data.resolutions, 1)]
          or [["", NONE_TEXT, "", ""]], [1.2, 8.4, 3.6, 2.4], center_columns=(0, 3))
    heading(doc, "四、备注")
    paragraph(doc, data.note or NONE_TEXT)
    note(doc, f"内容指纹（SHA-256）：{data.fingerprint}")
    note(doc, "参会人员的签名确认的是本记录表上述内容；内容如有改动，指纹随之改变，原签名不再有效。")
    footer(doc, data.convener, data.held_at.date())
    return to_bytes(doc)


def signature_text(attendee: Attendee) -> str:
    """已签名 2026-11-27 10:32, or blank for the hand signature of one who has not signed online."""
    return f"已签名 {attendee.signed_at:%Y-%m-%d %H:%M}" if attendee.signed_at else ""
