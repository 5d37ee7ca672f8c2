"""代办项目办结单 and 代办项目委托终止单: the items, the papers handed back, and the archive deadline."""
from __future__ import annotations

from datetime import date

import pytest

from daiban.documents.completion import completion_form
from daiban.documents.layout import read_text
from daiban.documents.termination import termination_form
from daiban.documents.tests import samples


def test_the_completion_form_carries_the_case_and_the_time_it_took():
    text = read_text(completion_form(samples.completion()))
    for expected in ("代办项目办结单", "编号：BJ2026-0012", "年产30万台精密齿轮减速机建设项目",
                     "2609-330326-04-01-123456",
                     "平阳县某某精密传动有限公司", "平阳县鳌江镇投资项目代办服务中心", "林晓燕（13967788021）",
                     "委托日期", "2026年11月27日", "办结日期", "2027年1月21日", "用时（工作日）", "37"):
        assert expected in text, expected


def test_the_completion_form_lists_each_item_with_its_approval_number_and_timeliness():
    text = read_text(completion_form(samples.completion()))
    for expected in ("批准文号/证照编号", "是否按时", "建筑工程施工许可证", "330326202701210101", "2027-01-21"):
        assert expected in text, expected


def test_the_completion_form_lists_the_papers_handed_to_the_owner_who_signs_for_them():
    text = read_text(completion_form(samples.completion()))
    assert "移交资料清单" in text and "环境影响评价批复文件\n2\n复印件" in text
    assert "业主签收（签字）" in text and "代办员（签字）" in text


def test_the_archive_line_shows_the_two_working_day_deadline_until_archived():
    text = read_text(completion_form(samples.completion()))
    assert "代办机构审核意见" in text and "资料齐全，同意办结" in text
    assert "（应于2027年1月25日前归档）" in text
    archived = read_text(completion_form(samples.completion(archived_on=date(2027, 1, 22))))
    assert "归档日期\n2027年1月22日" in archived


def test_the_termination_form_ticks_the_reason_and_gives_the_details():
    text = read_text(termination_form(samples.termination()))
    assert "代办项目委托终止单" in text and "☑业主申请　☐项目自身原因" in text
    assert "具体情况：投资方变更，业主书面申请终止代办" in text
    assert "终止日期\n2026年12月22日" in text


def test_the_termination_form_separates_done_and_undone_items_and_lists_returned_papers():
    text = read_text(termination_form(samples.termination()))
    done, undone = text.index("终止时已办结事项"), text.index("终止时未办结事项")
    assert done < text.index("企业投资项目备案（赋码）") < undone < text.index("建设工程规划许可证")
    assert "退还资料清单" in text and "营业执照（副本）\n1\n复印件" in text
    assert "（应于2026年12月24日前归档）" in text and "同意终止" in text


def test_an_unknown_termination_reason_is_refused_in_chinese():
    with pytest.raises(ValueError, match="终止原因应为"):
        samples.termination(reason="其他")
