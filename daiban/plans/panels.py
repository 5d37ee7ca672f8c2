"""Home-page panels of items in motion, by who is looking (registered in PlansConfig.ready)."""
from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from daiban.cases.models import CaseItem
from daiban.cases.selectors import cases_for
from daiban.cases.states import ITEM_FINISHED, OPEN_STATUSES
from daiban.lib import clock
from daiban.lib.panels import Panel, panel_provider
from daiban.org.roles import Role
from daiban.org.scope import scope_of
from daiban.plans.deadlines import OVERDUE, WARNING
from daiban.plans.models import Escalation
from daiban.plans.selectors import liaison_items, urgent_first

MAX_ROWS = 20


def _line(row: dict, *, url: str, prefix: str = "") -> dict:
    item = row["item"]
    due = f" · 期限 {row['due_on']:%m-%d}（{row['warning_label']}）" if row["due_on"] and row["warning"] else ""
    return {"text": f"{prefix}{row['code']} {row['name']}", "url": url,
            "note": f"{item.case.project.name} · {row['status_label']}{due}",
            "css": f"state-{row['warning']}" if row["warning"] in (WARNING, OVERDUE) else ""}


def _department_items(user) -> Panel:
    rows = urgent_first(liaison_items(user))
    lines = [_line(r, url=reverse("plans:item", args=[r["item"].case_id, r["code"]])
                   + "?next=" + reverse("plans:my_items")) for r in rows[:MAX_ROWS]]
    more = f"共 {len(rows)} 项，仅列出最紧急的 {MAX_ROWS} 项" if len(rows) > MAX_ROWS else ""
    return Panel(title="派至本部门的事项", rows=lines, empty=more or "没有派至本部门、正在办理的事项",
                 link=reverse("plans:my_items"))


def _late_items(user) -> Panel:
    """预警和逾期事项 of the cases in the agent's scope: an item not dispatched in time counts too."""
    items = (CaseItem.objects.filter(case__in=cases_for(user).filter(status__in=OPEN_STATUSES))
             .exclude(status__in=ITEM_FINISHED)
             .select_related("case", "case__project", "catalog_item", "catalog_item__department", "liaison"))
    rows = [r for r in urgent_first(items, clock.today()) if r["warning"] in (WARNING, OVERDUE)]
    lines = [_line(r, url=reverse("cases:case", args=[r["item"].case_id]) + f"#item-{r['code']}")
             for r in rows[:MAX_ROWS]]
    return Panel(title="预警和逾期事项", rows=lines, empty="没有预警或逾期的事项")


def _escalations(user, *, level: int, title: str) -> Panel:
    scope = scope_of(user)
    rows = (Escalation.objects.filter(level=level, item__case__status__in=OPEN_STATUSES)
            .exclude(item__status__in=ITEM_FINISHED)
            .select_related("item", "item__case", "item__case__project", "item__catalog_item").order_by("at"))
    if not scope.county_wide:
        rows = rows.filter(item__case__unit_id__in=scope.body_ids)
    lines = [{"text": f"{e.item.catalog_item.code} {e.item.catalog_item.name}",
              "url": reverse("cases:case", args=[e.item.case_id]) + f"#item-{e.item.catalog_item.code}",
              "note": f"{e.item.case.project.name} · {timezone.localtime(e.at):%m-%d} 升级 · " + _used(e),
              "css": ""} for e in rows[:MAX_ROWS]]  # every row is overdue: the title says so, no red blocks
    return Panel(title=title, rows=lines, empty="没有逾期升级的事项")


def _used(escalation: Escalation) -> str:
    item = escalation.item
    if item.started_on is None:
        return "逾期未派单" if item.status == "pending" else "逾期未受理"
    return f"已用 {escalation.elapsed_workdays} 个工作日（承诺 {escalation.limit_workdays}）"


@panel_provider
def plan_panels(user) -> list[Panel]:
    panels: list[Panel] = []
    roles = user.roles
    if Role.LIAISON in roles and user.department_id:
        panels.append(_department_items(user))
    if roles & {Role.AGENT, Role.CHIEF_AGENT}:
        panels.append(_late_items(user))
    if Role.UNIT_ADMIN in roles:
        panels.append(_escalations(user, level=1, title="逾期升级至本机构的事项"))
    if Role.CENTER_ADMIN in roles:
        panels.append(_escalations(user, level=2, title="逾期升级至县代办中心的事项"))
    return panels
