"""In a real browser: the 鳌江镇 agent raises an issue, takes it to his unit, the unit convenes a joint meeting,
two department heads sign the record and the resolution is followed up to done."""
from __future__ import annotations

import re

import pytest

from conftest import login, screenshot
from daiban.coordination.models import Issue, Meeting, Resolution
from daiban.lib import clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways ({width}px)"


def submit(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def test_an_issue_goes_from_the_agent_through_the_unit_to_a_signed_joint_meeting(page_at, case):
    with clock.frozen("2026-11-03"):  # the live server's thread reads the same clock
        agent = page_at(1280)
        login(agent, "aojiang")
        agent.goto(f"/coordination/cases/{case.pk}/issues/new/?item=G02")
        agent.fill("input[name=title]", "地块东侧边界争议影响规划许可申报")
        agent.fill("textarea[name=description]", "相邻地块权属人对东侧界址有异议")
        agent.check("input[name=departments][value=zrj]")
        agent.check("input[name=departments][value=zjj]")
        agent.fill("input[name=deadline_workdays]", "3")
        submit(agent, "form.card button.primary")
        agent.wait_for_url(re.compile(r".*/coordination/issues/\d+/$"))
        assert "已提出协调问题" in agent.locator(".messages").inner_text()
        assert "2026-11-06" in agent.locator("#tiers").inner_text()  # Tuesday + 3 working days

        agent.click("text=升级到上一层级")
        agent.fill("#escalate-form textarea[name=reason]", "两部门意见不一致，请镇代办服务站组织协调")
        agent.fill("#escalate-form input[name=deadline_workdays]", "5")
        submit(agent, "#escalate-form button[name=escalate]")
        assert "第2层级" in agent.locator(".issue-status").inner_text()
        assert "鳌江镇投资项目代办服务站" in agent.locator("#tiers").inner_text()
        issue = Issue.objects.get(title="地块东侧边界争议影响规划许可申报")
        assert issue.tier == 2

        unit = page_at(1280)
        login(unit, "ajadmin")
        assert "协调中的问题" in unit.content() and issue.title in unit.content()
        unit.goto(f"/coordination/issues/{issue.pk}/")
        submit(unit, "text=召开联席会议协调")
        assert unit.locator(f"input[name=issues][value='{issue.pk}']").is_checked()
        unit.fill("input[name=held_at]", "2026-11-04T09:30")
        unit.fill("input[name=place]", "鳌江镇行政服务中心三楼会议室")
        unit.fill("textarea[name=agenda]", "协调地块东侧边界争议，明确复测和规划许可受理安排")
        unit.check("input[name=invitees][value=zrjhead]")
        unit.check("input[name=invitees][value=zjjhead]")
        submit(unit, "form.card button.primary")
        unit.wait_for_url(re.compile(r".*/coordination/meetings/\d+/$"))
        meeting = Meeting.objects.get(issues=issue)

    with clock.frozen("2026-11-04 11:00"):
        unit.check("input[name=present][value=zrjhead]")
        unit.check("input[name=present][value=zjjhead]")
        unit.fill("textarea[name=discussion]", "与会部门一致同意先行组织现场复测，复测确认后即受理规划许可申请")
        unit.locator("textarea[name=res_content]").nth(0).fill("组织现场复测，出具界址确认意见")
        unit.locator("select[name=res_department]").nth(0).select_option("zrj")
        unit.locator("input[name=res_due]").nth(0).fill("3")
        unit.locator("textarea[name=res_content]").nth(1).fill("复测确认后受理建设工程规划许可申请")
        unit.locator("select[name=res_department]").nth(1).select_option("zjj")
        unit.locator("input[name=res_due]").nth(1).fill("5")
        submit(unit, "button[name=record]")
        assert "会议记录已保存" in unit.locator(".messages").inner_text()
        record_hash = Meeting.objects.get(pk=meeting.pk).record_hash
        assert "第1版会议记录" in unit.locator("#record-version").inner_text()
        assert record_hash not in unit.content()  # the fingerprint is in the exported record and the API

    with clock.frozen("2026-11-04 11:30"):
        for username in ("zrjhead", "zjjhead"):
            head = page_at(1280)
            login(head, username)
            assert "待签名的会议记录" in head.content()
            head.goto(f"/coordination/meetings/{meeting.pk}/")
            assert "第1版会议记录" in head.locator("#sign-form").inner_text()
            screenshot(head, f"coordination-meeting-to-sign-{username}")
            submit(head, "button[name=sign]")
            assert "已签名确认会议记录" in head.locator(".messages").inner_text()
            assert "您已于" in head.locator("#fingerprint").inner_text()

    with clock.frozen("2026-11-06"):
        unit.reload()
        assert "出席的部门负责人均已签名确认" in unit.locator("#fingerprint").inner_text()
        assert unit.locator("#attendance").inner_text().count("已签名") == 2
        screenshot(unit, "coordination-meeting-signed")
        row = unit.locator("#resolutions tbody tr").nth(0)
        row.locator("input[name=note]").fill("11月6日完成现场复测，已出具界址确认意见")
        with unit.expect_navigation():
            row.locator("button[name=done]").click()
        assert "议定事项1已确认落实" in unit.locator(".messages").inner_text()
        assert "已落实" in unit.locator("#resolutions tbody tr").nth(0).inner_text()
        assert Resolution.objects.get(meeting=meeting, number=1).status == "done"
        screenshot(unit, "coordination-meeting-followed-up")

        phone = page_at(375, 740)
        login(phone, "zrjhead")
        phone.goto(f"/coordination/meetings/{meeting.pk}/")
        no_sideways_scroll(phone)
        screenshot(phone, "coordination-meeting-phone")
        agent.goto(f"/coordination/issues/{issue.pk}/")
        no_sideways_scroll(agent)
        screenshot(agent, "coordination-issue")
