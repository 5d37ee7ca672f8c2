"""The menu, by role: each person sees the parts of the service they work in."""
from __future__ import annotations

from daiban.org.roles import CASE_WORKER_ROLES, Role

STAFF_READERS = CASE_WORKER_ROLES | {Role.LEADER, Role.INSPECTOR, Role.LIAISON}

# (label, url, roles that see it)
MENU = [
    ("代办登记", "/cases/requests/", CASE_WORKER_ROLES | {Role.LEADER, Role.INSPECTOR}),
    ("代办案件", "/cases/", STAFF_READERS | {Role.OWNER}),
    ("咨询记录", "/intake/consultations/", CASE_WORKER_ROLES | {Role.INSPECTOR}),
    ("联系卡与目录库", "/intake/directory/", CASE_WORKER_ROLES | {Role.LEADER, Role.INSPECTOR, Role.LIAISON}),
    ("派至本部门的事项", "/plans/my-items/", {Role.LIAISON}),
    ("事项库", "/catalog/", STAFF_READERS | {Role.SYS_ADMIN}),
    ("问题协调", "/coordination/", STAFF_READERS),
    ("办结与评价", "/closure/", CASE_WORKER_ROLES | {Role.LEADER, Role.INSPECTOR, Role.OWNER}),
    ("索费线索", "/closure/fee-alerts/", {Role.INSPECTOR}),
    ("省平台报送", "/provincial/", {Role.CENTER_ADMIN, Role.SYS_ADMIN}),
    ("政策与公开", "/policy/", STAFF_READERS),
    ("队伍管理", "/teams/meetings/", CASE_WORKER_ROLES | {Role.LEADER, Role.INSPECTOR}),
    ("工作日历", "/calendar/", {Role.SYS_ADMIN, Role.CENTER_ADMIN}),
    ("运行状态", "/ops/", {Role.SYS_ADMIN, Role.CENTER_ADMIN}),
    ("考核统计", "/assessment/", STAFF_READERS),
    ("代办台帐", "/assessment/ledger/", CASE_WORKER_ROLES | {Role.LEADER, Role.INSPECTOR}),
    ("督查督办", "/assessment/supervision/", {Role.CENTER_ADMIN, Role.UNIT_ADMIN, Role.LEADER, Role.INSPECTOR}),
    ("账号管理", "/accounts/manage/", {Role.SECURITY_ADMIN}),
]


def nav(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    roles = user.roles
    items = [{"label": label, "url": url} for label, url, allowed in MENU if roles & allowed]
    # Investment-promotion, commerce and government-investment staff issue cards and feed the directory.
    if not any(i["url"] == "/intake/directory/" for i in items) and user.department_id and \
            user.department.kind in ("investment", "commerce", "gov_investment"):
        items.append({"label": "联系卡与目录库", "url": "/intake/directory/"})
    return {"nav_items": items}
