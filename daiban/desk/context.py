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
    ("事项库", "/catalog/", STAFF_READERS | {Role.SYS_ADMIN}),
    ("工作日历", "/calendar/", {Role.SYS_ADMIN, Role.CENTER_ADMIN}),
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
