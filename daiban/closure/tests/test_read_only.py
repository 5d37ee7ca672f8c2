"""A completed or terminated case is read-only: every write answers 409, and the pages offer no form."""
from __future__ import annotations

import pytest

from daiban.lib import clock

pytestmark = pytest.mark.django_db

WRITES = [
    ("put", "team", {"agent": "aojiang", "liaisons": ["fgj", "sthj"]}),
    ("post", "agreement", {"item_codes": ["L02"]}),
    ("post", "plan", {"start_date": "2026-10-12"}),
    ("post", "items/L05/dispatch", {}),
    ("post", "items/L02/withdraw", {"reason": "撤回"}),
    ("post", "items/L05/urge", {"kind": "urge", "note": "请尽快办理"}),
    ("post", "worklog", {"day": "2026-10-09", "content": "补记日志"}),
    ("post", "complete", {"handover": [{"document": "批准文件"}]}),
    ("post", "terminate", {"reason": "业主申请"}),
    ("put", "project-code", {"project_code": "2609-330326-04-01-300003"}),
]


@pytest.mark.parametrize("closing", ["completed", "terminated"])
def test_every_write_on_a_closed_case_answers_409_in_chinese(build, api_as, closing):
    if closing == "completed":
        case = build.completed(on="2026-09-30")
    else:
        case = build.case()
        with clock.frozen("2026-09-30"):
            api_as("aojiang").post(f"cases/{case.pk}/terminate", {"reason": "业主书面申请终止"})
    agent = api_as("aojiang")
    with clock.frozen("2026-10-09"):
        for method, path, body in WRITES:
            answer = getattr(agent, method)(f"cases/{case.pk}/{path}", body)
            assert answer.status_code == 409, (path, answer.status_code, answer.content)
            assert "已办结或终止" in answer.json()["detail"] or "不能变为" in answer.json()["detail"], path
    case.refresh_from_db()
    assert case.status == closing


def test_the_pages_of_a_closed_case_offer_no_form_that_would_change_it(build, client, person):
    case = build.completed(on="2026-09-30")
    assert client.login(username="aojiang")
    page = client.get(f"/closure/cases/{case.pk}/").content.decode()
    assert "填写办结单" not in page and "终止委托代办" not in page and 'value="confirm"' in page
    assert client.get(f"/closure/cases/{case.pk}/complete/").status_code == 302
    assert client.get(f"/closure/cases/{case.pk}/terminate/").status_code == 302
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    assert "调整代办团队" not in detail and "调整委托事项" not in detail

