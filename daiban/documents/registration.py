"""代办登记表: what the owner fills in, online or at a window."""
from __future__ import annotations

from .data import CHANNELS, RegistrationData
from .layout import BLANK, cn_date, cn_number, form_document, key_value_table, ticks, to_bytes, yes_no

SCOPES = ("全程代办", "部分代办")
# Long values take a row of their own; the rest sit two pairs to a row.
WIDE = ("登记日期", "受理渠道", "项目名称", "项目代码", "建设内容及规模", "单位名称", "地址", "是否持代办联系卡",
        "委托代办事项", "需要协调的问题", "业主签字（盖章）", "受理机构")


def registration_form(data: RegistrationData) -> bytes:
    project, owner = data.project, data.owner
    doc = form_document("企业投资项目代办登记表", data.serial, version=data.version)
    key_value_table(doc, [
        ("登记日期", cn_date(data.registered_on)),
        ("受理渠道", ticks(CHANNELS, data.channel)),
        "一、项目基本情况",
        ("项目名称", project.name), ("项目代码", project.code or "尚未赋码"),
        ("建设地点", project.location), ("项目类别", project.category),
        ("是否工业项目", yes_no(project.industrial)), ("总投资（万元）", cn_number(project.investment_wan)),
        ("用地面积（亩）", cn_number(project.land_area_mu)), ("建筑面积（㎡）", cn_number(project.floor_area_m2)),
        ("建设内容及规模", project.description),
        "二、项目业主",
        ("单位名称", owner.name),
        ("统一社会信用代码", owner.credit_code), ("法定代表人", owner.legal_rep),
        ("联系人", owner.contact_name), ("联系电话", owner.contact_phone),
        ("地址", owner.address),
        "三、委托事项",
        ("是否持代办联系卡", f"是（卡号：{data.card_number}）" if data.card_number else "否"),
        ("委托代办事项", _entrusted(data)),
        ("需要协调的问题", data.coordination_needs or "无"),
        ("业主签字（盖章）", "\n" + "　" * 12 + f"日期：{cn_date(None)}"),
        "四、受理情况（由代办机构填写）",
        ("受理人", data.received_by or BLANK), ("受理日期", cn_date(data.received_on)),
        ("受理机构", data.receiving_body),
    ], full_width=WIDE, label_cm=3.2)
    return to_bytes(doc)


def _entrusted(data: RegistrationData) -> str:
    """全程 or 部分 and the items, as the agreement states them; before the agreement, still to be chosen."""
    if data.all_items is None:
        return ticks(SCOPES, None) + "\n（签订委托代办协议时确定）"
    listed = "\n".join(f"{item.code}　{item.name}" for item in data.items)
    return ticks(SCOPES, SCOPES[0] if data.all_items else SCOPES[1]) + f"\n事项如下（共{len(data.items)}项）：\n{listed}"
