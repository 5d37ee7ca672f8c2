"""代办进度反馈: the half-monthly summary sent to the owner."""
from __future__ import annotations

from datetime import date

from daiban.documents.layout import read_text
from daiban.documents.progress import progress_report
from daiban.documents.tests import samples


def test_the_report_names_its_half_month():
    text = read_text(progress_report(samples.progress()))
    assert "2026年12月1日至2026年12月15日（12月上半月）" in text
    second_half = samples.progress(period_start=date(2026, 12, 16), period_end=date(2026, 12, 31))
    assert "（12月下半月）" in read_text(progress_report(second_half))


def test_the_report_lists_done_and_open_items_with_numbers_dates_and_warnings():
    text = read_text(progress_report(samples.progress()))
    for expected in ("本期办结事项", "企业投资项目备案（赋码）", "2609-330326-04-01-123456", "2026-12-01",
                     "正在办理事项", "环境影响评价审批（报告表）", "2026-12-16", "临近到期", "已超期"):
        assert expected in text, expected


def test_the_report_says_what_comes_next_what_is_stuck_and_what_the_owner_must_do():
    text = read_text(progress_report(samples.progress()))
    assert "下一步工作安排" in text and "1．12月16日前取得环评批复" in text
    assert "存在问题及协调情况" in text and "土地款到账确认延迟" in text
    assert "需要业主配合的事项" in text and "法定代表人到县行政服务中心签订出让合同" in text


def test_the_report_ends_with_the_agent_the_unit_and_the_date():
    text = read_text(progress_report(samples.progress()))
    assert "代办员：林晓燕（13967788021）" in text
    assert text.rstrip().endswith("平阳县鳌江镇投资项目代办服务中心\n2026年12月15日")


def test_an_empty_section_says_none_rather_than_vanishing():
    text = read_text(progress_report(samples.progress(done=(), problems=())))
    assert "本期办结事项" in text and "存在问题及协调情况\n无" in text
