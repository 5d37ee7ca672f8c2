"""Relevance as people ask: 30 realistic questions and the hit each must bring first (issue 18 §4).

Traditional characters, homophone typos and pinyin initials are tolerated; a guide's hit carries the item's
time limit and materials; questions about fees and duties bring the service's own rules first.
"""
from __future__ import annotations

import pytest

from daiban.policy.selectors import search

pytestmark = pytest.mark.django_db

RULES = "rules:平阳县企业投资项目政府代办服务实施办法（送审稿）·代办服务原则"
CARD = "rules:“代办联系卡”使用规则"
MEETING = "rules:联席会议（联审会商）制度"
FLOW = "rules:代办服务流程：从提前介入到评价归档"

QUESTIONS = [
    ("环评", "guide:L05"),
    ("環評", "guide:L05"),  # traditional characters
    ("环平", "guide:L05"),  # a homophone typo
    ("环评 需要多久", "guide:L05"),
    ("hp", "guide:L05"),  # pinyin initials
    ("施工许可证怎么办", "guide:S04"),
    ("施工許可證", "guide:S04"),
    ("sgxkz", "guide:S04"),
    ("施工证要什么材料", "guide:S04"),
    ("能评", "guide:L06"),
    ("节能审查多长时间", "guide:L06"),
    ("水保方案", "guide:L07"),
    ("危化品安全条件审查", "guide:L08"),
    ("多测合一", "guide:C01"),
    ("联审", "guide:S01"),
    ("施工图审查", "guide:S01"),
    ("消防设计审查", "guide:S02"),
    ("消防验收", "guide:C02"),
    ("用地规划许可证", "guide:L03"),
    ("工规证", "guide:G02"),
    ("项目备案赋码", "guide:L02"),
    ("立项", "guide:L02"),
    ("人防", "guide:G03"),
    ("竣工验收备案", "guide:C05"),
    ("供电接入", "guide:U01"),
    ("代办 收费吗", RULES),
    ("代办服务要钱吗", RULES),
    ("代办是不是包办", RULES),
    ("联系卡怎么用", CARD),
    ("联席会议", MEETING),
]


def key(hit) -> str:
    return f"guide:{hit.code}" if hit.code else f"{hit.kind}:{hit.title}"


def test_the_table_has_thirty_questions():
    assert len(QUESTIONS) == 30


@pytest.mark.parametrize("question, expected", QUESTIONS)
def test_each_question_brings_its_expected_hit_first(demo, question, expected):
    hits = search(question)
    assert hits, f"nothing found for {question}"
    assert key(hits[0]) == expected, [key(h) for h in hits[:5]]


def test_a_guide_hit_shows_the_items_time_limit_and_materials(demo, api_as):
    hit = api_as(None).get("/api/v1/policy/search", {"q": "环评 需要多久"}).json()["items"][0]
    assert hit["code"] == "L05" and hit["limit_workdays"] == 10 and hit["time_limit"] == "承诺时限10个工作日"
    assert hit["materials"]
