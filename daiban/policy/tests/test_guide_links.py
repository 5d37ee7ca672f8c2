"""The hooks for other pages: guide_url, guides_for_text, and a consultation's references."""
from __future__ import annotations

import pytest
from django.template import Context, Template

from daiban.intake.services import consultation_log
from daiban.policy.guides import guide_url, guides_for_text
from daiban.policy.models import Article

pytestmark = pytest.mark.django_db


def codes(text: str) -> list[str]:
    return [item.code for item in guides_for_text(text)]


def test_guide_url_is_the_catalog_guide_page(demo):
    assert guide_url("L05") == "/catalog/L05/"


def test_guides_for_text_finds_the_items_a_consultation_mentions(demo):
    found = codes("企业咨询环评和施工证怎么办理，答：环评由业主自主选择编制机构，施工许可证在住建窗口办理。")
    assert found[:1] == ["S04"] or found[:1] == ["L05"]
    assert {"L05", "L05C", "S04"} <= set(found) and "G02" not in found
    assert codes("需要办理节能审查吗？") == ["L06"]
    assert codes("L03 和 U01 的材料") == ["L03", "U01"]
    assert codes("请问投资项目代办服务收费吗") == []
    assert codes("") == []


def test_the_template_tags_link_to_the_guides(demo):
    html = Template("{% load policy %}{% guide_url 'S04' %}|"
                    "{% guides_for question answer as guides %}{% for g in guides %}{{ g.code }} {% endfor %}").render(
        Context({"question": "施工许可证要多久？", "answer": "7 个工作日。"}))
    assert html == "/catalog/S04/|S04 "


@pytest.fixture
def consultation(person):
    return consultation_log(actor=person("aojiang"), asker_name="陈晓东", asker_org="平阳县鳌江精工传动有限公司",
                            question="我们的减速机项目要做环评吗？",
                            answer="需要，编制环境影响报告表后报生态环境局审批。")


def test_an_agent_links_the_mentioned_guides_and_a_policy_to_a_consultation(api_as, consultation):
    agent = api_as("aojiang")
    linked = agent.post(f"policy/consultations/{consultation.pk}/references/mentioned")
    assert linked.status_code == 201
    assert [r["code"] for r in linked.json()["items"]] == ["L05", "L05C"]
    policy = Article.objects.get(title__contains="区域环评")
    answer = agent.post(f"policy/consultations/{consultation.pk}/references", {"article_id": policy.pk})
    assert answer.status_code == 201
    rows = agent.get(f"policy/consultations/{consultation.pk}/references").json()["items"]
    assert [r["url"] for r in rows] == ["/catalog/L05/", "/catalog/L05C/", f"/policy/{policy.pk}/"]
    html = Template("{% load policy %}{% consultation_references c as refs %}"
                    "{% for r in refs %}{{ r.kind_label }}:{{ r.url }} {% endfor %}").render(
        Context({"c": consultation}))
    assert html.startswith("办事指南:/catalog/L05/ ")


def test_another_units_agent_cannot_see_or_link_the_consultation(api_as, consultation):
    other = api_as("kunyang")
    assert other.get(f"policy/consultations/{consultation.pk}/references").status_code == 404
    assert other.post(f"policy/consultations/{consultation.pk}/references", {"catalog_code": "L05"}).status_code == 404
    assert api_as("center").post(f"policy/consultations/{consultation.pk}/references",
                                 {"catalog_code": "L05"}).status_code == 201


def test_the_mentioned_guides_api_needs_no_login(api_as):
    rows = api_as(None).get("policy/guides/mentioned", {"text": "能评和多测合一"}).json()["items"]
    assert [r["code"] for r in rows] == ["L06", "C01"] or [r["code"] for r in rows] == ["C01", "L06"]
    assert rows[0]["url"].startswith("/catalog/")
