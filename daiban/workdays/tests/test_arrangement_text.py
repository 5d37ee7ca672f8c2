"""Reading an arrangement typed from the State Council notice."""
from __future__ import annotations

import datetime as dt

import pytest

from daiban.lib.errors import ValidationFailed
from daiban.workdays.arrangement import Entry, parse_arrangement

D = dt.date.fromisoformat

NOTICE_2027 = """
# 国办发明电〔2026〕X号（示例）
2027-01-01 休 元旦
2027-02-05~2027-02-11 休 春节
2027-02-14 班
2027-02-20 班 调休上班
"""


def test_it_reads_single_days_ranges_and_adjusted_working_days():
    entries = parse_arrangement(2027, NOTICE_2027)
    assert entries[0] == Entry(D("2027-01-01"), False, "元旦")
    assert [e.date for e in entries if e.name == "春节"] == [D("2027-02-05") + dt.timedelta(days=i) for i in range(7)]
    assert Entry(D("2027-02-14"), True, "调休上班") in entries
    assert len(entries) == 10


def test_it_accepts_full_width_tildes_and_spaces_and_the_word_zhi():
    entries = parse_arrangement(2027, "2027-10-01～2027-10-03\u3000休\u3000国庆节\n2027-10-04至2027-10-05 休")
    assert [e.date.day for e in entries] == [1, 2, 3, 4, 5]


def test_it_names_the_line_of_a_malformed_entry():
    with pytest.raises(ValidationFailed) as caught:
        parse_arrangement(2027, "2027-01-01 休 元旦\n2027/02/05 休 春节")
    assert "第 2 行" in caught.value.errors["text"]
    assert "格式不正确" in caught.value.errors["text"]


@pytest.mark.parametrize(
    "line,message",
    [
        ("2027-02-30 休", "日期 2027-02-30 不存在"),
        ("2028-01-01 休 元旦", "不在 2027 年内"),
        ("2027-02-11~2027-02-05 休", "结束日期早于开始日期"),
        ("2027-01-01~2027-03-01 休", "区间超过 31 天"),
        ("2027-02-15 班", "本来就上班"),
        ("2027-02-15 放 春节", "格式不正确"),
    ],
)
def test_it_explains_what_is_wrong_with_a_line(line, message):
    with pytest.raises(ValidationFailed) as caught:
        parse_arrangement(2027, line)
    assert "第 1 行" in caught.value.errors["text"]
    assert message in caught.value.errors["text"]


def test_it_refuses_a_day_listed_twice():
    with pytest.raises(ValidationFailed) as caught:
        parse_arrangement(2027, "2027-02-05~2027-02-11 休 春节\n2027-02-11 休")
    assert "第 2 行" in caught.value.errors["text"] and "与第 1 行重复" in caught.value.errors["text"]


def test_it_refuses_an_empty_arrangement():
    with pytest.raises(ValidationFailed, match="至少填写一行"):
        parse_arrangement(2027, "\n# 只有注释\n")
