"""代办登记表: every field of the form carries the owner's request."""
from __future__ import annotations

import pytest

from daiban.documents.data import Project
from daiban.documents.layout import read_text
from daiban.documents.registration import registration_form
from daiban.documents.tests import samples


def test_the_registration_form_carries_every_field_of_the_request():
    text = read_text(registration_form(samples.registration()))
    for expected in ("代办登记表", "编号：DJ2026-0012", "登记日期", "2026年11月20日", "项目名称",
                     "年产30万台精密齿轮减速机建设项目", "项目代码", "2609-330326-04-01-123456", "建设地点",
                     "鳌江镇（鳌江机械工业园区）", "项目类别", "招商引资", "是否工业项目", "总投资（万元）", "12000",
                     "用地面积（亩）", "45.6", "建筑面积", "52800", "建设内容及规模", "数控滚齿机", "单位名称",
                     "平阳县某某精密传动有限公司", "统一社会信用代码", "91330326MA2L8K3P1F", "法定代表人", "陈立峰",
                     "联系人", "王建国", "联系电话", "13857712345", "是否持代办联系卡", "是（卡号：PYZS-2026-0037）",
                     "委托代办事项", "需要协调的问题", "施工临时便道", "业主签字（盖章）", "受理人", "林晓燕",
                     "受理机构", "平阳县鳌江镇投资项目代办服务中心", "受理日期"):
        assert expected in text, expected


def test_the_channel_the_request_came_by_is_the_only_one_ticked():
    text = read_text(registration_form(samples.registration(channel="上级交办")))
    assert "☐网上申请　☐窗口登记　☐电话登记　☑上级交办　☐部门协调" in text


def test_partial_entrustment_ticks_the_listed_items_and_names_them():
    text = read_text(registration_form(samples.registration()))
    assert "☐全程代办　☑部分代办\n事项如下（共3项）：" in text
    for line in ("L01　国有建设用地使用权出让合同签订", "L02　企业投资项目备案（赋码）",
                 "L05　环境影响评价审批（报告表）"):
        assert line in text
    assert "建筑工程施工许可证" not in text


def test_full_entrustment_ticks_it_and_lists_the_items_as_the_agreement_does():
    text = read_text(registration_form(samples.registration(all_items=True)))
    assert "☑全程代办　☐部分代办\n事项如下（共3项）：\nL01　国有建设用地使用权出让合同签订" in text


def test_before_the_agreement_neither_scope_is_ticked():
    text = read_text(registration_form(samples.registration(all_items=None, items=())))
    assert "☐全程代办　☐部分代办\n（签订委托代办协议时确定）" in text


def test_the_serial_carries_the_version_of_the_form():
    assert "编号：DJ2026-0012　第1版" in read_text(registration_form(samples.registration()))
    assert "编号：DJ2026-0012　第3版" in read_text(registration_form(samples.registration(version=3)))


def test_an_owner_without_a_card_or_a_code_reads_as_such():
    project = Project(name="礼品包装车间项目", location="万全镇")
    text = read_text(registration_form(samples.registration(card_number="", project=project)))
    assert "尚未赋码" in text and "\n否\n" in text


def test_an_unknown_channel_is_refused_in_chinese():
    with pytest.raises(ValueError, match="受理渠道应为"):
        samples.registration(channel="微信")
