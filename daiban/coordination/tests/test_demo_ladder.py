"""The demo county shows an issue taken up five levels of its ladder."""
from __future__ import annotations

from daiban.coordination.demo import TITLE
from daiban.coordination.models import Issue


def test_the_demo_shows_a_five_level_ladder_with_each_handler_named(demo, api_as):
    issue = Issue.objects.get(title=TITLE)
    body = api_as("aojiang").get(f"issues/{issue.pk}").json()
    assert [(level["level"], level["handler"]) for level in body["levels"]] == [
        (1, "代办员王建国"), (2, "鳌江镇投资项目代办服务站"), (3, "平阳县投资项目代办服务中心"),
        (4, "平阳县行政审批服务管理办公室（审管办）"), (5, "温州市投资项目代办服务中心")]
    assert body["levels"][0]["answered_by"]["name"] == "徐东升"
    assert all(level["due_on"] and not level["skip_reason"] for level in body["levels"])
    assert [r["handler"] for r in body["ladder"]][5:] == [
        "温州市行政审批服务管理办公室", "浙江省投资项目代办服务中心", "浙江省发展和改革委员会"]
