"""Rules that are the county's own, not the seed's (issue 9 §6).

The seed says 第一时间 for the first contact, 一般由 for the chief agent's background, and sets no threshold for a
major project. Where the system makes such a rule hard, the number or the list is a setting with a default, and
every message and the rules page (/rules/) name it as the county's own rule, never as an article of the seed.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

# The backgrounds a chief agent may have (seed §5.4 says who 一般 holds the post); the setting picks which count.
QUALIFICATIONS = {
    "local_cadre": "项目属地的乡科级干部",
    "drc_cadre": "县发展和改革局干部",
    "senior_agent": "代办业务骨干",
}


def first_contact_workdays() -> int:
    return settings.FIRST_CONTACT_WORKDAYS


def major_project_wan() -> Decimal:
    return Decimal(str(settings.MAJOR_PROJECT_WAN))


def chief_agent_qualifications() -> tuple[str, ...]:
    return tuple(settings.CHIEF_AGENT_QUALIFICATIONS)


def _wan(value: Decimal) -> str:
    return f"{value / 10000:g}亿元" if value >= 10000 and value % 1000 == 0 else f"{value:g}万元"


def first_contact_text() -> str:
    return f"本县规则：收到代办申请后{first_contact_workdays()}个工作日内首次联系企业（实施办法原文为“第一时间”联系）"


def major_project_text() -> str:
    return f"本县规则：总投资{_wan(major_project_wan())}及以上的项目为重大项目（实施办法未规定金额），县代办中心也可认定"


def chief_agent_text() -> str:
    names = "、".join(QUALIFICATIONS[key] for key in chief_agent_qualifications())
    return f"本县规则：首席代办员须为{names}（实施办法原文为“一般由”此类人员担任）"


@dataclass(frozen=True)
class CountyRule:
    title: str
    setting: str
    value: str
    text: str


def county_rules() -> list[CountyRule]:
    """What the rules page shows: each rule, the setting that holds it and its value here."""
    return [
        CountyRule("首次联系时限", "DAIBAN_FIRST_CONTACT_WORKDAYS", f"{first_contact_workdays()}个工作日",
                   first_contact_text()),
        CountyRule("重大项目标准", "DAIBAN_MAJOR_PROJECT_WAN", f"{major_project_wan():g}万元", major_project_text()),
        CountyRule("首席代办员资格", "DAIBAN_CHIEF_AGENT_QUALIFICATIONS",
                   "、".join(QUALIFICATIONS[key] for key in chief_agent_qualifications()), chief_agent_text()),
    ]
