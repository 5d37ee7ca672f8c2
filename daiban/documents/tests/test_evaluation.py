"""代办服务评价表: the owner's ratings and the fee question, the agent's ratings of the departments."""
from __future__ import annotations

from io import BytesIO

import pytest
from docx import Document

from daiban.documents.data import DepartmentRating
from daiban.documents.evaluation import evaluation_form
from daiban.documents.layout import read_text
from daiban.documents.tests import samples


def test_the_owner_ratings_tick_one_score_per_criterion():
    text = read_text(evaluation_form(samples.evaluation()))
    assert "服务态度\n☑5分　☐4分　☐3分　☐2分　☐1分" in text
    assert "服务质量\n☐5分　☑4分　☐3分　☐2分　☐1分" in text
    assert "办事效率" in text and "总体评价" in text


def test_the_form_asks_whether_anyone_asked_for_fees_or_gifts():
    text = read_text(evaluation_form(samples.evaluation()))
    assert "代办过程中是否有人索取费用或礼品：☐是　☑否" in text
    asked = read_text(evaluation_form(samples.evaluation(fee_asked=True, fee_details="有人索要购物卡")))
    assert "☑是　☐否" in asked and "具体情况：有人索要购物卡" in asked


def test_the_visit_is_recorded_with_visitor_date_and_channel():
    text = read_text(evaluation_form(samples.evaluation()))
    assert "☑电话回访　☐上门回访　☐网上评价" in text
    assert "县投资项目代办服务中心 陈静" in text and "2027年1月28日" in text


def test_the_agent_rates_each_department_and_liaison_officer():
    doc = Document(BytesIO(evaluation_form(samples.evaluation())))
    table = next(t for t in doc.tables if t.rows[0].cells[1].text == "审批部门")
    assert [c.text for c in table.rows[2].cells] == ["2", "住房和城乡建设局", "潘志强", "满意", "5", "4", "4", "4",
                                                    "图审意见可更集中"]


def test_a_score_outside_one_to_five_is_refused():
    with pytest.raises(ValueError, match="评分应为 1 至 5 分"):
        samples.evaluation(overall=6)
    with pytest.raises(ValueError, match="评分应为 1 至 5 分"):
        DepartmentRating("发展和改革局", "黄丽", 0, 5, 5, 5)
