"""联合审批协调会议记录表: attendance with signatures, numbered resolutions, the content fingerprint."""
from __future__ import annotations

from io import BytesIO

from docx import Document

from daiban.documents.layout import read_text
from daiban.documents.meeting import meeting_record
from daiban.documents.tests import samples


def test_the_record_carries_the_meeting_and_the_project():
    text = read_text(meeting_record(samples.meeting()))
    for expected in ("联合审批协调会议记录表", "编号：HY2026-0003", "会议时间", "2026年11月27日 09:30",
                     "鳌江镇行政服务中心三楼会议室", "召集单位", "主持人", "周振华", "记录人", "林晓燕",
                     "年产30万台精密齿轮减速机建设项目", "2609-330326-04-01-123456", "平阳县某某精密传动有限公司"):
        assert expected in text, expected


def test_each_attendee_has_a_row_with_a_signature_cell():
    doc = Document(BytesIO(meeting_record(samples.meeting())))
    table = next(t for t in doc.tables if t.rows[0].cells[-1].text == "签名")
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["序号", "单位", "姓名", "职务", "签名"]
    assert rows[1] == ["1", "平阳县自然资源和规划局", "郑海波", "窗口负责人", "已签名 2026-11-27 10:32"]
    assert rows[2] == ["2", "平阳县住房和城乡建设局", "潘志强", "副科长", ""]
    assert len(rows) == 4


def test_resolutions_are_numbered_with_the_responsible_unit_and_deadline():
    doc = Document(BytesIO(meeting_record(samples.meeting())))
    table = next(t for t in doc.tables if t.rows[0].cells[-1].text == "完成时限")
    assert [c.text for c in table.rows[1].cells] == ["1", "自然资源和规划局组织现场复测，出具界址确认意见",
                                                    "平阳县自然资源和规划局", "2026-12-04"]
    assert table.rows[2].cells[0].text == "2"


def test_the_issues_and_the_note_are_recorded():
    text = read_text(meeting_record(samples.meeting()))
    assert "协调事项" in text and "1．地块东侧边界与相邻地块存在争议" in text
    assert "备注" in text and "会后由代办员跟踪落实" in text


def test_the_content_fingerprint_the_signatures_confirm_is_printed():
    text = read_text(meeting_record(samples.meeting()))
    assert f"内容指纹（SHA-256）：{samples.FINGERPRINT}" in text
